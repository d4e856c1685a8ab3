using CommandCenter.Core;
using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace CommandCenter.Infrastructure.Metrics;

/// <summary>
/// A picture of the city each minute, for trends of stock rather than flow: open alerts per town and severity (with
/// how many are overdue), and teams per town and status. Events say what happened; snapshots say how things stood.
/// </summary>
/// <remarks>
/// Measurements (tags; fields): <c>open_alerts</c> (town, severity; count, overdue) and <c>team_snapshot</c> (town,
/// status; count). A city-level team has no town tag.
/// </remarks>
public sealed class MetricSnapshotService(IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, IMetricWriter writer, TimeProvider time)
{
    /// <summary>Writes one snapshot, stamped "now"; returns the points written.</summary>
    public async Task<IReadOnlyList<MetricPoint>> SnapshotAsync(CancellationToken ct = default)
    {
        var now = time.Now();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var open = await db.Alerts.AsNoTracking().WhereOpen()
            .GroupBy(a => new { a.TownCode, a.Severity })
            .Select(g => new { g.Key.TownCode, g.Key.Severity, Count = g.Count(), Overdue = g.Count(a => a.StageDeadline < now) })
            .ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().Where(t => t.RetiredAt == null).Select(t => new { t.NodeCode, t.Status }).ToListAsync(ct);

        var points = new List<MetricPoint>();
        points.AddRange(open.Select(o => new MetricPoint(
            "open_alerts",
            new Dictionary<string, string> { ["town"] = o.TownCode, ["severity"] = o.Severity.ToString() },
            new Dictionary<string, double> { [MetricPoint.CountField] = o.Count, ["overdue"] = o.Overdue },
            now)));
        points.AddRange(teams
            .GroupBy(t => (Town: reference.HasCity && reference.Map.Contains(t.NodeCode) ? reference.Map.PathOf(t.NodeCode).TownCode : null, t.Status))
            .Select(g => new MetricPoint(
                "team_snapshot",
                g.Key.Town is { } town
                    ? new Dictionary<string, string> { ["town"] = town, ["status"] = g.Key.Status.ToString() }
                    : new Dictionary<string, string> { ["status"] = g.Key.Status.ToString() },
                new Dictionary<string, double> { [MetricPoint.CountField] = g.Count() },
                now)));
        foreach (var point in points)
        {
            writer.Write(point);
        }

        return points;
    }
}

/// <summary>Takes the minute's snapshot (<see cref="MetricSnapshotService"/>).</summary>
[DisallowConcurrentExecution]
public sealed class MetricSnapshotJob(MetricSnapshotService snapshots) : IJob
{
    public static readonly JobKey Key = new("metric-snapshot", "metrics");

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await snapshots.SnapshotAsync(cancellationToken);
}
