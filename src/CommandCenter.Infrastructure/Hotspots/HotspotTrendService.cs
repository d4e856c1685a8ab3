using CommandCenter.Core;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Hotspots;
using CommandCenter.Core.Metrics;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Hotspots;

/// <summary>The trend charts of a node: reports per top-level category in buckets, this period and the one before.</summary>
public sealed record HotspotTrends(DateTimeOffset From, DateTimeOffset To, TimeSpan Width, IReadOnlyList<CategoryTrend> Categories);

/// <summary>
/// Reads a node's report trends from the metric store (<c>alert_events</c>, change = raised, by the node's own tag):
/// every top-level category gets a series, the quiet ones too, so the charts never jump around.
/// </summary>
public sealed class HotspotTrendService(IMetricReader metrics, ReferenceData reference, ILogger<HotspotTrendService> logger)
{
    /// <summary>The trends, or null when the metric store cannot answer (the page says so; nothing else breaks).</summary>
    /// <exception cref="DomainRuleException">An unknown node or an empty period.</exception>
    public async Task<HotspotTrends?> TrendsAsync(string nodeCode, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var node = reference.Map.Find(nodeCode) ?? throw new DomainRuleException($"Unknown node '{nodeCode}'.");
        if (to <= from)
        {
            throw new DomainRuleException($"The period must end after it starts ({from:O} → {to:O}).");
        }

        var width = TrendBuckets.WidthFor(to - from);
        var before = from - (to - from);
        try
        {
            var current = await ReportsAsync(node, from, to, width, ct);
            var earlier = await ReportsAsync(node, before, from, width, ct);
            var count = TrendBuckets.CountFor(from, to, width);
            var countBefore = TrendBuckets.CountFor(before, from, width);
            var laid = TrendBuckets.Lay(current, from, width, count);
            var laidBefore = TrendBuckets.Lay(earlier, before, width, countBefore);
            var categories = reference.Categories.Roots
                .Select(kind => new CategoryTrend(
                    kind.Code,
                    laid.GetValueOrDefault(kind.Code) ?? new double[count],
                    laidBefore.GetValueOrDefault(kind.Code) ?? new double[countBefore]))
                .ToList();
            return new HotspotTrends(from, to, width, categories);
        }
        catch (MetricStoreException ex)
        {
            logger.LogWarning(ex, "Hotspot trends for {Node} unavailable: the metric store did not answer", node.Code);
            return null;
        }
    }

    private Task<IReadOnlyList<MetricValue>> ReportsAsync(AdminNode node, DateTimeOffset from, DateTimeOffset to, TimeSpan width, CancellationToken ct)
    {
        var where = new Dictionary<string, string> { ["change"] = "raised" };
        if (node.Level != NodeLevel.City)
        {
            where[node.Level.ToString().ToLowerInvariant()] = node.Code; // town | community | grid
        }

        return metrics.QueryAsync(new MetricQuery("alert_events", MetricPoint.CountField, MetricAggregate.Count, from, to) { Bucket = width, GroupBy = "kind", Where = where }, ct);
    }
}
