using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Policies;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Wall;

/// <summary>A wall scope's state as read from the store, before the live feed takes over.</summary>
/// <param name="AlertVersions">
/// The stored version of every alert the feed could still be telling us about (open, or reported or changed since
/// the start of the day or the trend window): a feed message not newer than this is already in the snapshot.
/// </param>
/// <param name="MajorOrWorseToday">Alerts reported today that are major or worse now.</param>
/// <param name="AcknowledgedToday">Alerts reported today that have been acknowledged, and whether in time (<see cref="AlertRules.AcknowledgedInTime"/>).</param>
/// <param name="LateReportsToday">Alerts reported today that were reported late (迟报), with their grids.</param>
/// <param name="SilentGrids">The scope's grids that are silent now.</param>
/// <param name="Trend">
/// New alerts in the trend window by the severity they were raised with: bucket totals from the metric store for
/// the settled past and one count per alert from the operational store after it (or for the whole window when the
/// metric store cannot answer). The operational store knows only an alert's current severity, so there an alert a
/// repeat made graver counts at its new severity. See <see cref="MetricTrendReader"/>.
/// </param>
public sealed record WallSnapshot(
    DateTimeOffset Day,
    IReadOnlyList<OpenAlert> OpenAlerts,
    IReadOnlyList<WallAlertRow> Recent,
    IReadOnlyList<WallPetitionRow> Petitions,
    IReadOnlyList<WallTeamRow> Teams,
    IReadOnlyList<WallMarker> Markers,
    IReadOnlyList<TrendCount> Trend,
    IReadOnlyDictionary<Guid, long> AlertVersions,
    IReadOnlyCollection<Guid> MajorOrWorseToday,
    int ReportsToday,
    IReadOnlyDictionary<Guid, bool> AcknowledgedToday,
    IReadOnlyDictionary<Guid, string> LateReportsToday,
    IReadOnlyCollection<string> SilentGrids);

/// <summary>The port a wall scope is (re)loaded through: its state as the store holds it now.</summary>
public interface IWallSnapshotSource
{
    Task<WallSnapshot> LoadAsync(AdminNode scope, CancellationToken ct);
}

/// <summary>
/// Reads a <see cref="WallSnapshot"/> for one scope from the operational store in one read transaction, the settled
/// part of the trend from the metric store (<see cref="MetricTrendReader"/>), and the silent grids from
/// <see cref="GridActivityService"/>, which keeps that set in memory (a later change reaches the state on the feed).
/// Everything is counted by <see cref="AlertRules"/>, as <see cref="WallProjection"/> counts the feed.
/// </summary>
public sealed class StoreWallSnapshotSource(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    GridActivityService gridActivity,
    MetricTrendReader trendReader,
    TimeProvider time) : IWallSnapshotSource
{
    public async Task<WallSnapshot> LoadAsync(AdminNode scope, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var day = CityClock.StartOfDay(now);

        // Before the store's read transaction, so a slow metric server holds no transaction open. Alerts reported
        // before `settled` come from the metric store, the rest from the store below: see MetricTrendReader.
        var trendFrom = WallProjection.TrendStart(now);
        var settled = (now - MetricTrendReader.Settle).TruncateToMilliseconds();
        var fromMetrics = await trendReader.ReadAsync(scope, trendFrom, settled, ct);
        var storeTrendFrom = fromMetrics is null ? trendFrom : settled;

        await using var db = await contexts.CreateDbContextAsync(ct);

        // One read transaction, so every query sees the same moment and the versions below match the counts.
        await using var read = await db.BeginReadTransactionAsync(ct);

        var alerts = db.Alerts.AsNoTracking().InSubtree(scope);
        var open = await alerts.WhereOpen()
            .Select(a => new
            {
                a.Id, a.GridCode, a.CommunityCode, a.TownCode, a.State, a.Severity, a.CategoryCode, a.ReportedAt, a.StageDeadline, a.Version,
                a.Title, a.EscalationLevel, a.PolicyVersion, a.HandlerName, a.IsLateReport,
            })
            .ToListAsync(ct);
        var openAlerts = open.Select(a => new OpenAlert(
            a.Id, a.GridCode, a.CommunityCode, a.TownCode, a.State, a.Severity, a.ReportedAt,
            AlertRules.AcknowledgeBy(a.State, a.StageDeadline, a.ReportedAt, OwnPolicy(a.PolicyVersion, a.CategoryCode, a.Severity)), a.StageDeadline,
            a.Version, a.Title, a.EscalationLevel, a.PolicyVersion, a.HandlerName, a.IsLateReport)).ToList();

        var recent = await alerts.OrderByDescending(a => a.ReportedAt).Take(WallProjection.RecentLimit).ToListAsync(ct);
        var trend = await alerts.Where(a => a.ReportedAt >= storeTrendFrom).Select(a => new { a.ReportedAt, a.Severity }).ToListAsync(ct);
        var markerFrom = now - WallProjection.MarkerLifetime;
        var markers = await alerts
            .Where(a => a.ReportedAt >= markerFrom)
            .WhereMajorOrWorse()
            .Select(a => new { a.Id, a.Severity, a.Latitude, a.Longitude, a.GridCode, a.ReportedAt })
            .ToListAsync(ct);

        // The alerts a feed message could still be about: open ones, and any reported or changed since the day or
        // the trend window began (all the counts here look no further back).
        var versionsFrom = day < trendFrom ? day : trendFrom;
        var versions = await alerts.Where(a => a.ReportedAt >= versionsFrom)
            .Select(a => new { a.Id, a.Version })
            .ToDictionaryAsync(a => a.Id, a => a.Version, ct);
        foreach (var changed in await ChangedSinceReportedBefore(db.Alerts.AsNoTracking(), versionsFrom)
            .Select(a => new { a.Id, a.Version, a.TownCode, a.CommunityCode, a.GridCode })
            .ToListAsync(ct))
        {
            if (scope.Level == NodeLevel.City || scope.Code == changed.TownCode || scope.Code == changed.CommunityCode || scope.Code == changed.GridCode)
            {
                versions[changed.Id] = changed.Version;
            }
        }

        foreach (var alert in open)
        {
            versions[alert.Id] = alert.Version;
        }

        var lateToday = await alerts.Where(a => a.ReportedAt >= day && a.IsLateReport)
            .Select(a => new { a.Id, a.GridCode })
            .ToDictionaryAsync(a => a.Id, a => a.GridCode, ct);
        var majorToday = await alerts.Where(a => a.ReportedAt >= day).WhereMajorOrWorse().Select(a => a.Id).ToListAsync(ct);
        var reportsToday = await db.AlertReports.AsNoTracking()
            .Where(r => r.ReceivedAt >= day)
            .Join(alerts, r => r.AlertId, a => a.Id, (r, a) => r.Id)
            .CountAsync(ct);

        // Each alert's first acknowledgement, judged against the deadline that applied when it was taken.
        var todays = await alerts.Where(a => a.ReportedAt >= day)
            .Select(a => new { a.Id, a.CategoryCode, a.Severity, a.ReportedAt, a.PolicyVersion })
            .ToDictionaryAsync(a => a.Id.ToString(), ct);
        var acknowledged = (await db.AuditEntries.AsNoTracking()
                .Where(e => e.Subject == AuditSubject.Alert && e.At >= day
                    && e.FromState == nameof(AlertState.Reported) && e.ToState == nameof(AlertState.Acknowledged))
                .Select(e => new { e.SubjectId, e.At, e.Deadline })
                .ToListAsync(ct))
            .Where(e => todays.ContainsKey(e.SubjectId))
            .GroupBy(e => e.SubjectId)
            .Select(g => g.MinBy(e => e.At)!)
            .ToDictionary(
                e => todays[e.SubjectId].Id,
                e =>
                {
                    var alert = todays[e.SubjectId];
                    var acknowledgeBy = e.Deadline ?? alert.ReportedAt + OwnPolicy(alert.PolicyVersion, alert.CategoryCode, alert.Severity).Acknowledge;
                    return AlertRules.AcknowledgedInTime(e.At, acknowledgeBy);
                });

        var petitions = await db.PetitionWarnings.AsNoTracking().InSubtree(scope)
            .Where(w => w.Stage != PetitionStage.Defused)
            .ToListAsync(ct);
        var teams = (await db.Teams.AsNoTracking().Where(t => t.RetiredAt == null).ToListAsync(ct))
            .Where(t => reference.Map.IsWithin(t.NodeCode, scope.Code))
            .ToList();
        var assigned = teams.Where(t => t.CurrentAlertId is not null).Select(t => t.CurrentAlertId!.Value).ToList();
        var titles = await db.Alerts.AsNoTracking().Where(a => assigned.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Title, ct);

        var map = reference.Map;
        return new WallSnapshot(
            day,
            openAlerts,
            [.. recent.Select(a => WallProjection.Row(
                reference, a.Id, a.Title, a.CategoryCode, a.Severity, a.TownCode, a.CommunityCode, a.GridCode,
                a.State, a.RepeatCount, a.ReportedAt, a.UpdatedAt, a.IsLateReport, a.HandlerName))],
            [.. petitions.Select(w => new WallPetitionRow(
                w.Id, w.Subject, w.Stage, w.EstimatedHeadcount, w.Attention, map.Find(w.OriginCode)?.Name ?? w.OriginCode, w.Destination,
                w.LastFollowUpAt, WallProjection.FollowUpCadence(reference, w.PolicyVersion, w.Stage)))],
            [.. teams.Select(t => new WallTeamRow(
                t.Code, t.Name, t.Type, t.Level, t.Status, t.StatusSince,
                t.CurrentAlertId is { } id ? titles.GetValueOrDefault(id) : null, t.Latitude, t.Longitude))],
            [.. markers.Select(m =>
            {
                var (latitude, longitude) = WallProjection.Position(map, m.GridCode, m.Latitude, m.Longitude);
                return new WallMarker(m.Id, m.Severity, latitude, longitude, m.ReportedAt);
            })],
            [.. fromMetrics ?? [], .. trend.Select(t => new TrendCount(t.ReportedAt, t.Severity, 1))],
            versions,
            majorToday,
            reportsToday,
            acknowledged,
            lateToday,
            [.. gridActivity.SilentGridCodes.Where(code => map.IsWithin(code, scope.Code))]);
    }

    /// <summary>
    /// Alerts changed since <paramref name="from"/> that were reported before it, city-wide, for the scope to be
    /// picked from in memory: a range of the updated-at index. Asked with the scope's place, SQLite would read the
    /// town's whole year through its town index instead.
    /// </summary>
    internal static IQueryable<Alert> ChangedSinceReportedBefore(IQueryable<Alert> alerts, DateTimeOffset from) =>
        alerts.Where(a => a.UpdatedAt >= from && a.ReportedAt < from);

    private StageDeadlines OwnPolicy(int policyVersion, string category, Severity severity) =>
        reference.Policy(policyVersion).DeadlinesFor(category, severity, reference.Categories);
}
