using CommandCenter.Core.Metrics;

namespace CommandCenter.Core.Hotspots;

/// <summary>
/// One top-level category's reports over a period in equal buckets, next to the same buckets of the period just
/// before it (环比).
/// </summary>
public sealed record CategoryTrend(string KindCode, IReadOnlyList<double> Current, IReadOnlyList<double> Before)
{
    public double Total => Current.Sum();

    public double TotalBefore => Before.Sum();

    /// <summary>环比 change; null when there was nothing before.</summary>
    public double? Change => TotalBefore == 0 ? null : (Total - TotalBefore) / TotalBefore;
}

/// <summary>The arithmetic of trend charts: a bucket width that suits the period, and store values laid into buckets.</summary>
public static class TrendBuckets
{
    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromDays(1), TimeSpan.FromDays(7),
    ];

    /// <summary>The smallest round width that cuts the period into at most <paramref name="maxBuckets"/> buckets (1 h → 5 min, 24 h → 1 h, 7 d → 6 h).</summary>
    public static TimeSpan WidthFor(TimeSpan period, int maxBuckets = 30) =>
        Steps.FirstOrDefault(step => period.Ticks / step.Ticks <= maxBuckets, TimeSpan.FromDays(Math.Ceiling(period.TotalDays / maxBuckets)));

    /// <summary>The start of the epoch-aligned bucket holding <paramref name="instant"/>, as the metric store dates its buckets.</summary>
    public static DateTimeOffset AlignDown(DateTimeOffset instant, TimeSpan width) =>
        DateTimeOffset.UnixEpoch.AddTicks((instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / width.Ticks * width.Ticks);

    /// <summary>How many epoch-aligned buckets of <paramref name="width"/> the range [from, to) touches.</summary>
    public static int CountFor(DateTimeOffset from, DateTimeOffset to, TimeSpan width) =>
        (int)Math.Ceiling((double)(to - AlignDown(from, width)).Ticks / width.Ticks);

    /// <summary>
    /// Lays store values (dated at their epoch-aligned bucket start) into <paramref name="count"/> buckets counted
    /// from the bucket holding <paramref name="from"/>, per group; values outside are clamped to the ends.
    /// </summary>
    public static Dictionary<string, double[]> Lay(IEnumerable<MetricValue> values, DateTimeOffset from, TimeSpan width, int count)
    {
        var origin = AlignDown(from, width);
        var series = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var key = value.Group ?? "";
            if (!series.TryGetValue(key, out var buckets))
            {
                series[key] = buckets = new double[count];
            }

            var index = (int)Math.Clamp(Math.Floor((value.Time - origin) / width), 0, count - 1);
            buckets[index] += value.Value;
        }

        return series;
    }
}
