using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Wall;

/// <summary>A wall scope's state as read from the store, before the live feed takes over.</summary>
/// <param name="AlertVersions">
/// The stored version of every alert the feed could still be telling us about (open, or reported or changed since
/// the start of the day or the trend window): a feed message not newer than this is already in the snapshot.
/// </param>
/// <param name="MajorOrWorseToday">Alerts reported today that are major or worse now.</param>
/// <param name="AcknowledgedToday">Alerts reported today that have been acknowledged, and whether in time.</param>
/// <param name="LateReportsToday">Alerts reported today that were reported late (迟报), with their grids.</param>
/// <param name="SilentGrids">The scope's grids that are silent now.</param>
/// <param name="Trend">
/// New alerts in the trend window by the severity they were raised with: bucket totals from the metric store for
/// the settled past and one count per alert from the operational store after it (or for the whole window when the
/// metric store cannot answer). The operational store knows only an alert's current severity, so there an alert a
/// repeat made graver counts at its new severity. See <see cref="MetricTrendReader"/>.
/// </param>
internal sealed record WallSnapshot(
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

/// <summary>
/// Reads a <see cref="WallSnapshot"/> for one scope straight from the store, the settled part of the trend from the
/// metric store (<see cref="MetricTrendReader"/>), and the silent grids from <see cref="GridActivityService"/>,
/// which keeps that set in memory (a later change reaches the state on the feed).
/// </summary>
internal sealed class WallSnapshotLoader(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    GridActivityService gridActivity,
    MetricTrendReader trendReader,
    TimeProvider time)
{
    public async Task<WallSnapshot> LoadAsync(AdminNode scope, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var day = CityClock.StartOfDay(now);
        var policy = reference.CurrentPolicy;

        // Before the store's read transaction, so a slow metric server holds no transaction open. Alerts reported
        // before `settled` come from the metric store, the rest from the store below: see MetricTrendReader.
        var trendFrom = WallScopeState.TrendStart(now);
        var settled = (now - MetricTrendReader.Settle).TruncateToMilliseconds();
        var fromMetrics = await trendReader.ReadAsync(scope, trendFrom, settled, ct);
        var storeTrendFrom = fromMetrics is null ? trendFrom : settled;

        await using var db = await contexts.CreateDbContextAsync(ct);

        // One read transaction, so every query sees the same moment and the versions below match the counts. It
        // is deferred (a plain BEGIN): with the store in WAL mode it takes no lock that would hold up writers.
        await db.Database.OpenConnectionAsync(ct);
        await using var read = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(read, ct);

        var alerts = InScope(db.Alerts.AsNoTracking(), scope);
        var open = await alerts
            .Where(a => a.State != AlertState.Closed && a.State != AlertState.Voided)
            .Select(a => new
            {
                a.Id, a.GridCode, a.CommunityCode, a.TownCode, a.State, a.Severity, a.CategoryCode, a.ReportedAt, a.StageDeadline, a.Version,
                a.Title, a.EscalationLevel, a.PolicyVersion, a.HandlerName, a.IsLateReport,
            })
            .ToListAsync(ct);
        var openAlerts = open.Select(a => new OpenAlert(
            a.Id, a.GridCode, a.CommunityCode, a.TownCode, a.State, a.Severity, a.ReportedAt,
            AcknowledgeBy(a.State, a.StageDeadline, a.CategoryCode, a.Severity, a.ReportedAt), a.StageDeadline, a.Version,
            a.Title, a.EscalationLevel, a.PolicyVersion, a.HandlerName, a.IsLateReport)).ToList();

        var recent = await alerts.OrderByDescending(a => a.ReportedAt).Take(WallScopeState.RecentLimit).ToListAsync(ct);
        var trend = await alerts.Where(a => a.ReportedAt >= storeTrendFrom).Select(a => new { a.ReportedAt, a.Severity }).ToListAsync(ct);
        var markerFrom = now - WallScopeState.MarkerLifetime;
        var markers = await alerts
            .Where(a => a.ReportedAt >= markerFrom && a.Severity >= Severity.Major)
            .Select(a => new { a.Id, a.Severity, a.Latitude, a.Longitude, a.GridCode, a.ReportedAt })
            .ToListAsync(ct);

        // The alerts a feed message could still be about: open ones, and any reported or changed since the day or
        // the trend window began (all the counts here look no further back).
        var versionsFrom = day < trendFrom ? day : trendFrom;
        var versions = await alerts
            .Where(a => a.ReportedAt >= versionsFrom || a.UpdatedAt >= versionsFrom)
            .Select(a => new { a.Id, a.Version })
            .ToDictionaryAsync(a => a.Id, a => a.Version, ct);
        foreach (var alert in open)
        {
            versions[alert.Id] = alert.Version;
        }

        var lateToday = await alerts.Where(a => a.ReportedAt >= day && a.IsLateReport)
            .Select(a => new { a.Id, a.GridCode })
            .ToDictionaryAsync(a => a.Id, a => a.GridCode, ct);
        var majorToday = await alerts.Where(a => a.ReportedAt >= day && a.Severity >= Severity.Major).Select(a => a.Id).ToListAsync(ct);
        var reportsToday = await db.AlertReports.AsNoTracking()
            .Where(r => r.ReceivedAt >= day)
            .Join(alerts, r => r.AlertId, a => a.Id, (r, a) => r.Id)
            .CountAsync(ct);

        // Only Reported → Acknowledged is an acknowledgement (voiding is not), and only an alert's first one counts.
        var todays = await alerts.Where(a => a.ReportedAt >= day)
            .Select(a => new { a.Id, a.CategoryCode, a.Severity, a.ReportedAt })
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
                    return e.At <= (e.Deadline ?? AcknowledgeDeadline(alert.CategoryCode, alert.Severity, alert.ReportedAt));
                });

        var petitions = await InScope(db.PetitionWarnings.AsNoTracking(), scope)
            .Where(w => w.Stage != PetitionStage.Defused)
            .ToListAsync(ct);
        var teams = (await db.Teams.AsNoTracking().ToListAsync(ct))
            .Where(t => reference.Map.IsWithin(t.NodeCode, scope.Code))
            .ToList();
        var assigned = teams.Where(t => t.CurrentAlertId is not null).Select(t => t.CurrentAlertId!.Value).ToList();
        var titles = await db.Alerts.AsNoTracking().Where(a => assigned.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Title, ct);

        var map = reference.Map;
        return new WallSnapshot(
            day,
            openAlerts,
            [.. recent.Select(a => new WallAlertRow(
                a.Id, a.Title, reference.Categories.Find(a.CategoryCode)?.Name ?? a.CategoryCode, a.Severity,
                map.Find(a.TownCode)?.Name ?? "", map.Find(a.CommunityCode)?.Name ?? "", map.Find(a.GridCode)?.Name ?? "",
                a.State, a.RepeatCount, a.ReportedAt, a.UpdatedAt, a.IsLateReport, a.HandlerName))],
            [.. petitions.Select(w => new WallPetitionRow(
                w.Id, w.Subject, w.Stage, w.EstimatedHeadcount, w.Attention, map.Find(w.OriginCode)?.Name ?? w.OriginCode, w.Destination,
                w.LastFollowUpAt, policy.FollowUpCadence.TryGetValue(w.Stage, out var cadence) ? cadence : null))],
            [.. teams.Select(t => new WallTeamRow(
                t.Code, t.Name, t.Type, t.Level, t.Status, t.StatusSince,
                t.CurrentAlertId is { } id ? titles.GetValueOrDefault(id) : null, t.Latitude, t.Longitude))],
            [.. markers.Select(m =>
            {
                var centre = map.Find(m.GridCode)?.Boundary.InteriorPoint;
                return new WallMarker(m.Id, m.Severity, m.Latitude ?? centre?.Y ?? 0, m.Longitude ?? centre?.X ?? 0, m.ReportedAt);
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
    /// While an alert waits for acknowledgement its stage deadline is the acknowledge deadline; otherwise (or for
    /// a row without one) the policy's limit from the first report.
    /// </summary>
    private DateTimeOffset AcknowledgeBy(AlertState state, DateTimeOffset? stageDeadline, string category, Severity severity, DateTimeOffset reportedAt) =>
        state == AlertState.Reported && stageDeadline is { } deadline ? deadline : AcknowledgeDeadline(category, severity, reportedAt);

    private DateTimeOffset AcknowledgeDeadline(string category, Severity severity, DateTimeOffset reportedAt) =>
        reportedAt + reference.CurrentPolicy.DeadlinesFor(category, severity, reference.Categories).Acknowledge;

    private static IQueryable<Alert> InScope(IQueryable<Alert> alerts, AdminNode scope) => scope.Level switch
    {
        NodeLevel.Town => alerts.Where(a => a.TownCode == scope.Code),
        NodeLevel.Community => alerts.Where(a => a.CommunityCode == scope.Code),
        NodeLevel.Grid => alerts.Where(a => a.GridCode == scope.Code),
        _ => alerts,
    };

    private static IQueryable<PetitionWarning> InScope(IQueryable<PetitionWarning> warnings, AdminNode scope) => scope.Level switch
    {
        NodeLevel.Town => warnings.Where(w => w.TownCode == scope.Code),
        NodeLevel.Community => warnings.Where(w => w.CommunityCode == scope.Code),
        NodeLevel.Grid => warnings.Where(w => w.GridCode == scope.Code),
        _ => warnings,
    };
}
