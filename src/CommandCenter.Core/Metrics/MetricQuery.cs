namespace CommandCenter.Core.Metrics;

/// <summary>How the values of a field in one bucket (and group) become one number.</summary>
public enum MetricAggregate
{
    /// <summary>How many points carry the field: events per bucket.</summary>
    Count,

    Sum,

    /// <summary>The arithmetic mean, e.g. the mean acknowledge latency.</summary>
    Mean,

    Min,

    Max,
}

/// <summary>
/// A typed question for the metric store — "the count of <c>alert_events</c> per <c>category</c> per 5 minutes in
/// town X today" — that each adapter translates for its own engine (InfluxQL, SQL), so callers never write query
/// text and every adapter answers alike.
/// </summary>
/// <param name="Measurement">What was measured.</param>
/// <param name="Field">The field aggregated; for counting events, the field every point of them carries (e.g. <see cref="MetricPoint.CountField"/>).</param>
/// <param name="Aggregate">How each bucket's values become one number.</param>
/// <param name="From">Start of the range, inclusive.</param>
/// <param name="To">End of the range, exclusive.</param>
public sealed record MetricQuery(string Measurement, string Field, MetricAggregate Aggregate, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The most buckets one query may produce per group, so a typo in a range cannot flood a screen or a server.</summary>
    public const int MaxBuckets = 100_000;

    /// <summary>
    /// Bucket width (whole milliseconds). Buckets are aligned to the Unix epoch, as InfluxDB aligns them, so the
    /// first bucket may start before <see cref="From"/> (and count only points from <see cref="From"/> on). Null: one
    /// value for the whole range, dated <see cref="From"/>.
    /// </summary>
    public TimeSpan? Bucket { get; init; }

    /// <summary>A tag to group by: one series of values per tag value (points without the tag form the group null).</summary>
    public string? GroupBy { get; init; }

    /// <summary>Only points whose tags equal all of these (exact, case-sensitive).</summary>
    public IReadOnlyDictionary<string, string> Where { get; init; } = new Dictionary<string, string>();

    /// <summary>The range at the store's precision.</summary>
    public DateTimeOffset FromUtc => From.ToUniversalTime().TruncateToMilliseconds();

    /// <summary>The range at the store's precision.</summary>
    public DateTimeOffset ToUtc => To.ToUniversalTime().TruncateToMilliseconds();

    /// <summary>Bucket width in milliseconds, or null for one value over the whole range.</summary>
    public long? BucketMilliseconds => Bucket is { } bucket ? (long)bucket.TotalMilliseconds : null;

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong; adapters call it before translating.</summary>
    public void EnsureValid()
    {
        MetricNames.EnsureValid(Measurement, "measurement");
        MetricNames.EnsureValid(Field, "field name");
        if (!Enum.IsDefined(Aggregate))
        {
            throw new ArgumentException($"Unknown aggregate {Aggregate}.");
        }

        MetricTime.EnsureStorable(FromUtc, nameof(From));
        if (ToUtc <= FromUtc || ToUtc > MetricTime.Latest)
        {
            throw new ArgumentException($"The range must end after it starts and by {MetricTime.Latest:yyyy-MM-dd} (from {From:O} to {To:O}).");
        }

        if (Bucket is { } bucket)
        {
            if (bucket < TimeSpan.FromMilliseconds(1) || bucket.Ticks % TimeSpan.TicksPerMillisecond != 0)
            {
                throw new ArgumentException($"A bucket must be a whole number of milliseconds, at least 1 ms (not {bucket}).");
            }

            if ((ToUtc - FromUtc).Ticks / bucket.Ticks > MaxBuckets)
            {
                throw new ArgumentException($"{ToUtc - FromUtc} in buckets of {bucket} is more than {MaxBuckets} buckets; use wider buckets.");
            }
        }

        if (GroupBy is not null)
        {
            MetricNames.EnsureValid(GroupBy, "tag key");
        }

        ArgumentNullException.ThrowIfNull(Where);
        foreach (var (key, value) in Where)
        {
            MetricNames.EnsureValid(key, "tag key");
            MetricNames.EnsureValidTagValue(key, value);
        }
    }
}

/// <summary>One answer of a <see cref="MetricQuery"/>: the aggregate of one bucket (starting at <paramref name="Time"/>) of one group.</summary>
/// <param name="Time">The bucket's start (the range's start without buckets).</param>
/// <param name="Group">The group-by tag's value; null without grouping or for points that lack the tag.</param>
/// <param name="Value">The aggregate. Buckets without points are absent, not zero.</param>
public sealed record MetricValue(DateTimeOffset Time, string? Group, double Value);
