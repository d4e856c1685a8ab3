using System.Globalization;
using System.Text;
using CommandCenter.Core.Metrics;

namespace CommandCenter.Infrastructure.Metrics.InfluxDB;

/// <summary>
/// A <see cref="MetricQuery"/> as one InfluxQL statement: identifiers double-quoted, tag values single-quoted with
/// InfluxQL's backslash escapes (and encoded as they were written, see <see cref="InfluxTagCodec"/>), times as
/// integer nanoseconds, buckets in milliseconds with <c>fill(none)</c> so empty buckets are absent as in the embedded
/// store.
/// </summary>
internal static class InfluxQueryTranslator
{
    /// <summary>The column the aggregate is read from.</summary>
    public const string ValueColumn = "value";

    public static string Translate(MetricQuery query)
    {
        var function = query.Aggregate switch
        {
            MetricAggregate.Count => "COUNT",
            MetricAggregate.Sum => "SUM",
            MetricAggregate.Mean => "MEAN",
            MetricAggregate.Min => "MIN",
            MetricAggregate.Max => "MAX",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Aggregate, "Unknown aggregate."),
        };
        var influxql = new StringBuilder();
        influxql.Append(CultureInfo.InvariantCulture, $"SELECT {function}({Identifier(query.Field)}) AS {Identifier(ValueColumn)} FROM {Identifier(query.Measurement)}");
        influxql.Append(CultureInfo.InvariantCulture, $" WHERE time >= {Nanoseconds(query.FromUtc)} AND time < {Nanoseconds(query.ToUtc)}");
        foreach (var (key, value) in query.Where.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            influxql.Append(CultureInfo.InvariantCulture, $" AND {Identifier(key)}::tag = {StringLiteral(InfluxTagCodec.Encode(value))}");
        }

        var groups = new List<string>();
        if (query.BucketMilliseconds is { } bucket)
        {
            groups.Add(string.Create(CultureInfo.InvariantCulture, $"time({bucket}ms)"));
        }

        if (query.GroupBy is not null)
        {
            groups.Add(Identifier(query.GroupBy));
        }

        if (groups.Count > 0)
        {
            influxql.Append(" GROUP BY ").AppendJoin(", ", groups);
        }

        if (query.BucketMilliseconds is not null)
        {
            influxql.Append(" fill(none)");
        }

        return influxql.ToString();
    }

    /// <summary>A double-quoted identifier; backslash and double quote escaped.</summary>
    public static string Identifier(string name) => "\"" + Escape(name, '"') + "\"";

    /// <summary>A single-quoted string literal; backslash, single quote and line breaks escaped.</summary>
    public static string StringLiteral(string value) => "'" + Escape(value, '\'') + "'";

    private static string Escape(string text, char quote)
    {
        var escaped = new StringBuilder(text.Length + 2);
        foreach (var c in text)
        {
            if (c == '\\' || c == quote)
            {
                escaped.Append('\\').Append(c);
            }
            else if (c == '\n')
            {
                escaped.Append("\\n");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static long Nanoseconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() * 1_000_000;
}
