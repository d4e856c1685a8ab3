using System.Collections.ObjectModel;

namespace CommandCenter.Core.Metrics;

/// <summary>
/// One observation for the metric store: a measurement (what), tags (where and which kind — grouped and filtered
/// on), numeric fields (how much) and a timestamp at the store's precision (whole milliseconds, UTC). A plain class,
/// not a record: its dictionaries would make record equality compare references and look like value equality.
/// </summary>
/// <remarks>
/// Names (measurement, tag keys, field names) are code identifiers, so they are restricted to
/// <c>[A-Za-z_][A-Za-z0-9_]*</c>: every store can then use them without quoting surprises. Tag values are data and
/// may hold anything — spaces, commas, <c>=</c>, quotes, newlines, Chinese — up to
/// <see cref="MaxTagValueLength"/> characters; an empty tag value is refused (InfluxDB cannot store one), leave
/// the tag out instead.
/// </remarks>
public sealed class MetricPoint
{
    /// <summary>Tag values are series keys: long ones belong in a field or a log, not here.</summary>
    public const int MaxTagValueLength = 1_024;

    /// <summary>The field <see cref="Occurrence"/> sets to 1, so events can be counted (or summed) per bucket.</summary>
    public const string CountField = "count";

    public MetricPoint(
        string measurement,
        IReadOnlyDictionary<string, string> tags,
        IReadOnlyDictionary<string, double> fields,
        DateTimeOffset timestamp)
    {
        MetricNames.EnsureValid(measurement, "measurement");
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var (key, value) in tags)
        {
            MetricNames.EnsureValid(key, "tag key");
            MetricNames.EnsureValidTagValue(key, value);
        }

        if (fields.Count == 0)
        {
            throw new ArgumentException($"A metric point of '{measurement}' needs at least one field.", nameof(fields));
        }

        foreach (var (name, value) in fields)
        {
            MetricNames.EnsureValid(name, "field name");
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"Field '{name}' of '{measurement}' is {value}; only finite numbers can be stored.", nameof(fields));
            }

            if (tags.ContainsKey(name))
            {
                throw new ArgumentException($"'{name}' of '{measurement}' is both a tag and a field; InfluxDB cannot tell them apart in a query.", nameof(fields));
            }
        }

        MetricTime.EnsureStorable(timestamp, nameof(timestamp));
        Measurement = measurement;
        Tags = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(tags, StringComparer.Ordinal));
        Fields = new ReadOnlyDictionary<string, double>(new Dictionary<string, double>(fields, StringComparer.Ordinal));
        Timestamp = timestamp.ToUniversalTime().TruncateToMilliseconds();
    }

    public string Measurement { get; }

    public IReadOnlyDictionary<string, string> Tags { get; }

    public IReadOnlyDictionary<string, double> Fields { get; }

    /// <summary>UTC, whole milliseconds.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>"This happened once, here, then": a point whose only field is <see cref="CountField"/> = 1.</summary>
    public static MetricPoint Occurrence(string measurement, IReadOnlyDictionary<string, string> tags, DateTimeOffset at) =>
        new(measurement, tags, new Dictionary<string, double> { [CountField] = 1 }, at);
}

/// <summary>The naming rules shared by points and queries.</summary>
public static class MetricNames
{
    /// <summary>The longest measurement, tag key or field name.</summary>
    public const int MaxNameLength = 64;

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxNameLength }
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && name != "time"; // InfluxDB's time column: a tag or field by that name is silently dropped

    public static void EnsureValid(string? name, string what)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid metric {what}: use 1–{MaxNameLength} letters, digits or underscores, starting with a letter or underscore, and not 'time'.");
        }
    }

    public static void EnsureValidTagValue(string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"Tag '{key}' has no value; leave the tag out instead.");
        }

        if (value.Length > MetricPoint.MaxTagValueLength)
        {
            throw new ArgumentException($"Tag '{key}' is {value.Length} characters long; at most {MetricPoint.MaxTagValueLength} are allowed.");
        }
    }
}

/// <summary>The time range a metric store can hold.</summary>
public static class MetricTime
{
    /// <summary>Stores bucket by integer division of Unix milliseconds, which only works from the epoch on.</summary>
    public static DateTimeOffset Earliest { get; } = DateTimeOffset.UnixEpoch;

    /// <summary>InfluxDB keeps nanoseconds in a signed 64-bit integer (up to 2262); 2200 leaves room for the identity offset.</summary>
    public static DateTimeOffset Latest { get; } = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void EnsureStorable(DateTimeOffset value, string parameter)
    {
        if (value < Earliest || value >= Latest)
        {
            throw new ArgumentOutOfRangeException(parameter, value, $"Metric times must lie between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}.");
        }
    }
}
