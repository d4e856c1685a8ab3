using CommandCenter.Core.Metrics;

namespace CommandCenter.Infrastructure.Metrics;

internal static class MetricResults
{
    /// <summary>The order the port promises, made in .NET so both adapters agree (SQLite and InfluxDB collate differently).</summary>
    public static IReadOnlyList<MetricValue> Ordered(IEnumerable<MetricValue> values) =>
        [.. values.OrderBy(v => v.Group, StringComparer.Ordinal).ThenBy(v => v.Time)];
}
