using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;

namespace CommandCenter.Infrastructure.Wall;

/// <summary>
/// Turns a scope's <see cref="WallProjection"/> into the immutable <see cref="WallView"/> walls render: the tiles,
/// the children ranked by load, the overdue list and the trend, all as of <c>now</c>.
/// </summary>
public static class WallViewBuilder
{
    public static WallView Build(WallProjection projection, ReferenceData reference, DateTimeOffset now, DateTimeOffset? lastDataAt, long version)
    {
        projection.RollDay(now);
        projection.Prune(now);
        var scope = projection.Scope;
        var overdue = 0;
        var unacknowledged = 0;
        var unackedPastDeadlineToday = 0;
        var openByGrid = new Dictionary<string, int>(StringComparer.Ordinal);
        var byChild = new Dictionary<string, (int Open, int Serious)>(StringComparer.Ordinal);
        var pastDue = new List<OpenAlert>();
        foreach (var alert in projection.OpenAlerts)
        {
            if (alert.DueBy <= now)
            {
                overdue++;
                pastDue.Add(alert);
            }

            if (alert.State == AlertState.Reported)
            {
                unacknowledged++;

                // Due today and missed; one acknowledged earlier and since handed back was counted when acknowledged.
                if (alert.AcknowledgeBy <= now && AlertRules.IsToday(alert.ReportedAt, projection.Day) && !projection.AcknowledgedToday.ContainsKey(alert.Id))
                {
                    unackedPastDeadlineToday++;
                }
            }

            openByGrid[alert.GridCode] = openByGrid.GetValueOrDefault(alert.GridCode) + 1;
            var child = ChildOf(scope, alert);
            var (open, serious) = byChild.GetValueOrDefault(child);
            byChild[child] = (open + 1, serious + (alert.Severity >= Severity.Serious ? 1 : 0));
        }

        var inTime = projection.AcknowledgedToday.Values.Count(t => t);
        var due = projection.AcknowledgedToday.Count + unackedPastDeadlineToday;
        var teams = projection.Teams;
        var kpis = new WallKpis(
            projection.OpenAlerts.Count,
            unacknowledged,
            overdue,
            projection.MajorOrWorseToday.Count,
            projection.Petitions.Count,
            teams.Count(t => TeamStatusRules.IsDeployed(t.Status)),
            teams.Count(t => t.Status == TeamStatus.Available),
            projection.ReportsToday,
            due == 0 ? null : (double)inTime / due);

        var ranking = reference.Map.Children(scope.Code)
            .Select(c => (Node: c, Load: byChild.GetValueOrDefault(c.Code)))
            .Select(x => new RankingRow(x.Node.Code, x.Node.Name, x.Load.Open, x.Load.Serious))
            .OrderByDescending(r => r.OpenAlerts).ThenByDescending(r => r.SeriousOrWorse).ThenBy(r => r.Code, StringComparer.Ordinal)
            .ToList();

        return new WallView(
            scope.Code,
            scope.Name,
            scope.Level,
            kpis,
            [.. projection.Recent],
            [.. projection.Petitions.OrderByDescending(p => p.Stage).ThenByDescending(p => p.EstimatedHeadcount)],
            [.. teams.OrderBy(t => t.StatusSince)],
            ranking,
            openByGrid,
            [.. projection.Markers],
            projection.TrendSeries(now),
            [.. pastDue
                .OrderByDescending(a => a.EscalationLevel).ThenBy(a => a.DueBy).ThenBy(a => a.Id)
                .Take(WallProjection.OverdueLimit)
                .Select(a => OverdueRow(reference, a))],
            projection.SilentGrids.ToHashSet(StringComparer.Ordinal),
            projection.LateReportsToday.Values.GroupBy(grid => grid, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            lastDataAt,
            version);
    }

    private static string ChildOf(AdminNode scope, OpenAlert alert) => scope.Level switch
    {
        NodeLevel.City => alert.TownCode,
        NodeLevel.Town => alert.CommunityCode,
        _ => alert.GridCode,
    };

    private static WallOverdueRow OverdueRow(ReferenceData reference, OpenAlert alert)
    {
        var map = reference.Map;
        var ladder = reference.Policy(alert.PolicyVersion).Ladder;
        return new WallOverdueRow(
            alert.Id,
            alert.Title,
            alert.Severity,
            map.Find(alert.TownCode)?.Name ?? "",
            map.Find(alert.CommunityCode)?.Name ?? "",
            map.Find(alert.GridCode)?.Name ?? "",
            alert.State,
            alert.EscalationLevel,
            ladder[Math.Clamp(alert.EscalationLevel, 0, ladder.Count - 1)],
            alert.DueBy,
            alert.HandlerName,
            alert.IsLateReport);
    }
}
