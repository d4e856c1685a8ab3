using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Hotspots;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Hotspots;

/// <summary>One child of the node being looked at: its load now, and its reports in the period and the one before (环比).</summary>
public sealed record HotspotRow(AdminNode Node, HotspotLoad Load, int Reported, int ReportedBefore)
{
    /// <summary>环比: change of reports against the same length of time just before; null when there were none before.</summary>
    public double? Change => ReportedBefore == 0 ? null : (double)(Reported - ReportedBefore) / ReportedBefore;
}

/// <summary>A node as the leaders' drill-down shows it: where it sits, its load, its children ranked, its alerts.</summary>
public sealed record HotspotView(
    AdminNode Node,
    IReadOnlyList<AdminNode> Breadcrumb,
    HotspotLoad Load,
    int Reported,
    int ReportedBefore,
    IReadOnlyList<HotspotRow> Ranking,
    IReadOnlyList<Alert> Alerts,
    int AlertCount,
    DateTimeOffset From,
    DateTimeOffset To);

/// <summary>
/// "Where is it hot, and since when?" for one node: its children ranked by <see cref="HotspotLoad.Score"/>, the reports
/// of a period against the period before, and the alerts of the period. Read from the operational store.
/// </summary>
public sealed class HotspotService(IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, TimeProvider time)
{
    /// <summary>The most alerts a view lists; <see cref="HotspotView.AlertCount"/> says how many there are.</summary>
    public const int AlertListLimit = 500;

    /// <exception cref="DomainRuleException">An unknown node, or a period that ends before it starts.</exception>
    public async Task<HotspotView> ViewAsync(string nodeCode, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var map = reference.Map;
        var node = map.Find(nodeCode) ?? throw new DomainRuleException($"Unknown node '{nodeCode}'.");
        if (to <= from)
        {
            throw new DomainRuleException($"The period must end after it starts ({from:O} → {to:O}).");
        }

        var now = time.GetUtcNow();
        var before = from - (to - from);
        var children = map.Children(node.Code);
        await using var db = await contexts.CreateDbContextAsync(ct);

        var open = await db.Alerts.AsNoTracking().InSubtree(node).WhereOpen().ToListAsync(ct);
        var warnings = await db.PetitionWarnings.AsNoTracking().InSubtree(node)
            .Where(w => w.Stage != Core.Petitions.PetitionStage.Defused)
            .ToListAsync(ct);
        var reports = await db.Alerts.AsNoTracking().InSubtree(node)
            .Where(a => a.ReportedAt >= before && a.ReportedAt < to)
            .Select(a => new { a.TownCode, a.CommunityCode, a.GridCode, a.ReportedAt })
            .ToListAsync(ct);

        var loads = children.ToDictionary(c => c.Code, _ => HotspotLoad.Empty, StringComparer.Ordinal);
        var total = HotspotLoad.Empty;
        foreach (var alert in open)
        {
            total = total.Add(alert, now);
            if (ChildOf(node, alert.TownCode, alert.CommunityCode, alert.GridCode) is { } child && loads.ContainsKey(child))
            {
                loads[child] = loads[child].Add(alert, now);
            }
        }

        foreach (var warning in warnings)
        {
            total = total.Add(warning);
            if (ChildOf(node, warning.TownCode, warning.CommunityCode, warning.GridCode) is { } child && loads.ContainsKey(child))
            {
                loads[child] = loads[child].Add(warning);
            }
        }

        var inPeriod = reports.Where(r => r.ReportedAt >= from).ToLookup(r => ChildOf(node, r.TownCode, r.CommunityCode, r.GridCode) ?? "");
        var inBefore = reports.Where(r => r.ReportedAt < from).ToLookup(r => ChildOf(node, r.TownCode, r.CommunityCode, r.GridCode) ?? "");
        var ranking = children
            .Select(c => new HotspotRow(c, loads[c.Code], inPeriod[c.Code].Count(), inBefore[c.Code].Count()))
            .OrderByDescending(r => r.Load.Score)
            .ThenByDescending(r => r.Reported)
            .ThenBy(r => r.Node.Code, StringComparer.Ordinal)
            .ToList();

        var periodAlerts = db.Alerts.AsNoTracking().InSubtree(node).Where(a => a.ReportedAt >= from && a.ReportedAt < to);
        var count = await periodAlerts.CountAsync(ct);
        var listed = await periodAlerts.OrderByDescending(a => a.ReportedAt).Take(AlertListLimit).ToListAsync(ct);
        var reportedNow = reports.Count(r => r.ReportedAt >= from);
        return new HotspotView(node, Breadcrumb(node), total, reportedNow, reports.Count - reportedNow, ranking, listed, count, from, to);
    }

    /// <summary>Every alert reported in the node during the period, newest first, for export (no limit).</summary>
    /// <exception cref="DomainRuleException">An unknown node.</exception>
    public async IAsyncEnumerable<Alert> AlertsAsync(string nodeCode, DateTimeOffset from, DateTimeOffset to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var node = reference.Map.Find(nodeCode) ?? throw new DomainRuleException($"Unknown node '{nodeCode}'.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        await foreach (var alert in db.Alerts.AsNoTracking().InSubtree(node)
            .Where(a => a.ReportedAt >= from && a.ReportedAt < to)
            .OrderByDescending(a => a.ReportedAt)
            .AsAsyncEnumerable()
            .WithCancellation(ct))
        {
            yield return alert;
        }
    }

    /// <summary>The node's ancestors from the city down to the node itself.</summary>
    private List<AdminNode> Breadcrumb(AdminNode node)
    {
        var path = new List<AdminNode>();
        for (var current = node; current is not null; current = current.ParentCode is null ? null : reference.Map.Find(current.ParentCode))
        {
            path.Insert(0, current);
        }

        return path;
    }

    /// <summary>The child of <paramref name="node"/> a record belongs to, from the codes it carries; null at grid level or when it has none.</summary>
    private static string? ChildOf(AdminNode node, string townCode, string? communityCode, string? gridCode) => node.Level switch
    {
        NodeLevel.City => townCode,
        NodeLevel.Town => communityCode,
        NodeLevel.Community => gridCode,
        _ => null,
    };
}
