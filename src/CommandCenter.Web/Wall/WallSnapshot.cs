using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Wall;

/// <summary>A wall scope's state as read from the store, before the live feed takes over.</summary>
internal sealed record WallSnapshot(
    DateTimeOffset Day,
    IReadOnlyList<OpenAlert> OpenAlerts,
    IReadOnlyList<WallAlertRow> Recent,
    IReadOnlyList<WallPetitionRow> Petitions,
    IReadOnlyList<WallTeamRow> Teams,
    IReadOnlyList<WallMarker> Markers,
    IReadOnlyList<(DateTimeOffset ReportedAt, Severity Severity)> TrendAlerts,
    int MajorOrWorseToday,
    int ReportsToday,
    int AckedOnTimeToday,
    int AckedLateToday);

/// <summary>Reads a <see cref="WallSnapshot"/> for one scope straight from the store.</summary>
internal sealed class WallSnapshotLoader(IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, TimeProvider time)
{
    public async Task<WallSnapshot> LoadAsync(AdminNode scope, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var day = CityClock.StartOfDay(now);
        var policy = reference.CurrentPolicy;
        await using var db = await contexts.CreateDbContextAsync(ct);

        var alerts = InScope(db.Alerts.AsNoTracking(), scope);
        var open = await alerts
            .Where(a => a.State != AlertState.Closed && a.State != AlertState.Voided)
            .Select(a => new { a.Id, a.GridCode, a.CommunityCode, a.TownCode, a.State, a.Severity, a.CategoryCode, a.ReportedAt, a.Version })
            .ToListAsync(ct);
        var openAlerts = open.Select(a => new OpenAlert(
            a.Id, a.GridCode, a.CommunityCode, a.TownCode, a.State, a.Severity, a.ReportedAt,
            a.ReportedAt + policy.DeadlinesFor(a.CategoryCode, a.Severity, reference.Categories).Acknowledge, a.Version)).ToList();

        var recent = await alerts.OrderByDescending(a => a.ReportedAt).Take(WallScopeState.RecentLimit).ToListAsync(ct);
        var trendFrom = now - (WallScopeState.TrendBucket * WallScopeState.TrendBuckets);
        var trend = await alerts.Where(a => a.ReportedAt >= trendFrom).Select(a => new { a.ReportedAt, a.Severity }).ToListAsync(ct);
        var markerFrom = now - WallScopeState.MarkerLifetime;
        var markers = await alerts
            .Where(a => a.ReportedAt >= markerFrom && a.Severity >= Severity.Major)
            .Select(a => new { a.Id, a.Severity, a.Latitude, a.Longitude, a.GridCode, a.ReportedAt })
            .ToListAsync(ct);

        var majorToday = await alerts.CountAsync(a => a.ReportedAt >= day && a.Severity >= Severity.Major, ct);
        var reportsToday = await db.AlertReports.AsNoTracking()
            .Where(r => r.ReceivedAt >= day)
            .Join(alerts, r => r.AlertId, a => a.Id, (r, a) => r.Id)
            .CountAsync(ct);

        var todays = await alerts.Where(a => a.ReportedAt >= day)
            .Select(a => new { Id = a.Id.ToString(), a.CategoryCode, a.Severity, a.ReportedAt })
            .ToListAsync(ct);
        var todaysIds = todays.Select(a => a.Id).ToHashSet();
        var acks = (await db.AuditEntries.AsNoTracking()
                .Where(e => e.Subject == AuditSubject.Alert && e.At >= day && e.FromState == nameof(AlertState.Reported) && e.ToState != nameof(AlertState.Reported))
                .Select(e => new { e.SubjectId, e.At })
                .ToListAsync(ct))
            .Where(e => todaysIds.Contains(e.SubjectId))
            .GroupBy(e => e.SubjectId)
            .ToDictionary(g => g.Key, g => g.Min(e => e.At));
        var onTime = todays.Count(a => acks.TryGetValue(a.Id, out var at)
            && at <= a.ReportedAt + policy.DeadlinesFor(a.CategoryCode, a.Severity, reference.Categories).Acknowledge);

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
                a.State, a.RepeatCount, a.ReportedAt, a.UpdatedAt, a.IsLateReport))],
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
            [.. trend.Select(t => (t.ReportedAt, t.Severity))],
            majorToday,
            reportsToday,
            onTime,
            acks.Count - onTime);
    }

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
