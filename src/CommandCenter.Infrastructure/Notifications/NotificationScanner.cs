using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Notifications;
using CommandCenter.Core.Petitions;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications;

/// <summary>
/// Turns what happened into notification items. Events come from the audit trail, which every write path fills in
/// the same transaction as its change: reading it from a cursor loses nothing to a crash between the change and the
/// telling. The cursor lives in memory; a (re)started scanner begins <see cref="NotificationOptions.CatchUp"/> back,
/// and every pass re-reads the last <see cref="Overlap"/> of entries in case a lower id committed late; an event's
/// key makes re-reading harmless, and entries already told are not planned again (at 1,000 reports a second the
/// overlap is 10,000 entries a pass). Silences and reminders are found from state, not from the cursor.
/// </summary>
public sealed class NotificationScanner(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    DutyRecipients duty,
    NotificationOutbox outbox,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationScanner> logger)
{
    /// <summary>How far back each pass re-reads entries it has seen: longer than any write transaction stays open.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(10);

    private const int Page = 1_000;
    private const int IdChunk = 500;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<(DateTimeOffset At, long After)> _marks = new();
    private long? _after;

    /// <summary>Entries of the overlap already told: a re-read skips them, and only one that committed late is planned.</summary>
    private readonly HashSet<long> _told = [];

    /// <summary>Silences known told: the same recorded silences are looked at every pass for the catch-up period.</summary>
    private readonly HashSet<string> _toldSilences = new(StringComparer.Ordinal);

    /// <summary>One pass: new audit entries, silences past their threshold, reminders due. Returns the items told.</summary>
    public async Task<int> ScanAsync(CancellationToken ct = default)
    {
        if (!reference.HasCity)
        {
            return 0;
        }

        await _gate.WaitAsync(ct);
        try
        {
            var now = time.Now();
            var told = await ScanTrailAsync(now, ct);
            told += await outbox.AddAsync(await SilencesAsync(now, ct), ct);
            told += await outbox.AddAsync(await RemindersAsync(now, ct), ct);
            return told;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> ScanTrailAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        _after ??= await StartAsync(db, now, ct);
        while (_marks.Count > 0 && _marks.Peek().At < now - Overlap)
        {
            _marks.Dequeue();
        }

        var from = _marks.Count > 0 ? Math.Min(_marks.Peek().After, _after.Value) : _after.Value;
        _marks.Enqueue((now, _after.Value));
        _told.RemoveWhere(id => id <= from);
        var told = 0;
        while (true)
        {
            var page = await db.AuditEntries.AsNoTracking()
                .Where(e => e.Id > from)
                .Where(e => (e.Subject == AuditSubject.Alert
                        && (e.Action == AuditAction.Raised || e.Action == AuditAction.SeverityRaised || e.Action == AuditAction.Escalated || e.Action == AuditAction.LateReportCharged))
                    || (e.Subject == AuditSubject.PetitionWarning && (e.Action == AuditAction.Raised || e.Action == AuditAction.FollowUp)))
                .OrderBy(e => e.Id)
                .Take(Page)
                .ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }

            var fresh = page.Where(e => !_told.Contains(e.Id)).ToList();
            if (fresh.Count > 0)
            {
                told += await outbox.AddAsync(await PlanAsync(db, fresh, ct), ct);
                _told.UnionWith(fresh.Select(e => e.Id));
            }

            from = page[^1].Id;
            _after = Math.Max(_after.Value, from);
            if (page.Count < Page)
            {
                break;
            }
        }

        return told;
    }

    /// <summary>Where a new scanner starts: just before the first entry of the catch-up period.</summary>
    private async Task<long> StartAsync(CommandCenterDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - options.Value.CatchUp;
        var first = await db.AuditEntries.Where(e => e.At >= since).MinAsync(e => (long?)e.Id, ct);
        var start = first is { } id ? id - 1 : await db.AuditEntries.MaxAsync(e => (long?)e.Id, ct) ?? 0;
        logger.LogInformation("Notification scanner starts after audit entry {AuditId} (catch-up from {Since})", start, since);
        return start;
    }

    /// <summary>The items a page of the trail calls for, by the rules of each subject's policy version.</summary>
    private async Task<List<PlannedItem>> PlanAsync(CommandCenterDbContext db, IReadOnlyList<AuditEntry> page, CancellationToken ct)
    {
        var alertIds = page.Where(e => e.Subject == AuditSubject.Alert).Select(e => Guid.Parse(e.SubjectId)).Distinct().ToList();
        var warningIds = page.Where(e => e.Subject == AuditSubject.PetitionWarning).Select(e => Guid.Parse(e.SubjectId)).Distinct().ToList();
        var alerts = new Dictionary<Guid, Alert>();
        var warnings = new Dictionary<Guid, PetitionWarning>();
        var escalations = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var chunk in alertIds.Chunk(IdChunk))
        {
            foreach (var alert in await db.Alerts.AsNoTracking().Where(a => chunk.Contains(a.Id)).ToListAsync(ct))
            {
                alerts[alert.Id] = alert;
            }
        }

        var escalated = page.Where(e => e.Action == AuditAction.Escalated).Select(e => e.SubjectId).Distinct().ToList();
        foreach (var chunk in escalated.Chunk(IdChunk))
        {
            var rows = await db.AuditEntries.AsNoTracking()
                .Where(e => e.Subject == AuditSubject.Alert && e.Action == AuditAction.Escalated && chunk.Contains(e.SubjectId))
                .Select(e => new { e.SubjectId, e.Id })
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                (escalations.TryGetValue(row.SubjectId, out var ids) ? ids : escalations[row.SubjectId] = []).Add(row.Id);
            }
        }

        foreach (var chunk in warningIds.Chunk(IdChunk))
        {
            foreach (var warning in await db.PetitionWarnings.AsNoTracking().Where(w => chunk.Contains(w.Id)).ToListAsync(ct))
            {
                warnings[warning.Id] = warning;
            }
        }

        var keepsRoster = new Dictionary<string, bool>(StringComparer.Ordinal);
        var planned = new List<PlannedItem>();
        foreach (var entry in page)
        {
            if (entry.Subject == AuditSubject.Alert && alerts.TryGetValue(Guid.Parse(entry.SubjectId), out var alert))
            {
                var rank = escalations.TryGetValue(entry.SubjectId, out var ids) ? ids.Count(id => id <= entry.Id) : 0;
                if (await PlanAlertAsync(entry, alert, rank, keepsRoster, ct) is { } item)
                {
                    planned.Add(item);
                }
            }
            else if (entry.Subject == AuditSubject.PetitionWarning && warnings.TryGetValue(Guid.Parse(entry.SubjectId), out var warning))
            {
                planned.AddRange(PlanPetition(entry, warning));
            }
        }

        return planned;
    }

    private async Task<PlannedItem?> PlanAlertAsync(AuditEntry entry, Alert alert, int escalationRank, IDictionary<string, bool> keepsRoster, CancellationToken ct)
    {
        var policy = reference.Policy(alert.PolicyVersion);
        var rules = policy.Notifications;
        var path = alert.Path(reference.Map.City.Code);
        var place = reference.Map.PlaceOf(alert.GridCode);
        switch (entry.Action)
        {
            // Raised below the minimum and raised to it by a repeat later: told then, once (the item's key is the alert's).
            case AuditAction.Raised or AuditAction.SeverityRaised when rules.AlertRaised && alert.Severity >= rules.MinimumSeverity:
                return new PlannedItem(
                    $"raised:{alert.Id}", NotificationEvent.AlertRaised,
                    await duty.HolderAsync(NotificationRouting.StartFrom(NotificationEvent.AlertRaised, path), keepsRoster, ct),
                    alert.Id, null, alert.GridCode, NotificationWording.Raised(alert, place), entry.At);

            case AuditAction.Escalated when rules.Escalated && escalationRank > 0:
                var level = Math.Min(escalationRank, policy.Ladder.Count - 1);
                var rung = policy.Ladder[level];
                var rungCode = rung switch
                {
                    NodeLevel.Grid => path.GridCode,
                    NodeLevel.Community => path.CommunityCode,
                    NodeLevel.Town => path.TownCode,
                    _ => path.CityCode,
                } ?? path.CityCode;
                return new PlannedItem(
                    $"escalated:{alert.Id}:{level}", NotificationEvent.Escalated, rungCode,
                    alert.Id, null, alert.GridCode, NotificationWording.Escalated(alert, place, rung), entry.At);

            case AuditAction.LateReportCharged when rules.LateReportCharged:
                return new PlannedItem(
                    $"late:{alert.Id}", NotificationEvent.LateReportCharged,
                    await duty.HolderAsync(NotificationRouting.StartFrom(NotificationEvent.LateReportCharged, path), keepsRoster, ct),
                    alert.Id, null, alert.GridCode, NotificationWording.LateReport(alert, place), entry.At);

            default:
                return null;
        }
    }

    /// <summary>A warning entering Gathering or Moving (opened in it, or moved into it): the town's and the city's people.</summary>
    private IEnumerable<PlannedItem> PlanPetition(AuditEntry entry, PetitionWarning warning)
    {
        if (!reference.Policy(warning.PolicyVersion).Notifications.PetitionWarning
            || !Enum.TryParse<PetitionStage>(entry.ToState, out var stage)
            || stage is not (PetitionStage.Gathering or PetitionStage.Moving)
            || entry.FromState == entry.ToState)
        {
            yield break;
        }

        var place = reference.Map.Find(warning.OriginCode) is not null ? reference.Map.PlaceOf(warning.GridCode ?? warning.OriginCode) : warning.OriginCode;
        var summary = NotificationWording.Petition(warning, place, stage);
        foreach (var node in new[] { warning.TownCode, reference.Map.City.Code }.Distinct())
        {
            yield return new PlannedItem(
                $"petition:{warning.Id}:{stage}@{node}", NotificationEvent.PetitionWarning, node,
                null, warning.Id, warning.OriginCode, summary, entry.At);
        }
    }

    /// <summary>
    /// Grids that turned silent and have stayed silent for the policy's threshold past it, not told yet. Read from the
    /// silences recorded in the catch-up period, so a threshold that ends after the silence was recorded still tells.
    /// </summary>
    private async Task<List<PlannedItem>> SilencesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var rules = reference.PolicyAt(now).Notifications;
        if (!rules.SilentGrid)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var since = now - rules.SilentGridAfter - options.Value.CatchUp;
        var recorded = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Subject == AuditSubject.Grid && e.Action == AuditAction.TurnedSilent && e.At >= since)
            .ToListAsync(ct);
        var due = recorded.Where(e => e.Deadline is { } from && from + rules.SilentGridAfter <= now)
            .Select(e => (Entry: e, Key: $"silent:{e.SubjectId}:{e.Deadline!.Value.ToUnixTimeMilliseconds()}"))
            .ToList();
        if (due.Count == 0)
        {
            return [];
        }

        var told = await outbox.ToldAsync([.. due.Select(d => d.Key).Where(k => !_toldSilences.Contains(k))], ct);
        if (_toldSilences.Count > 100_000)
        {
            _toldSilences.Clear(); // a bound, not a cache policy: the store still knows what was told
        }

        _toldSilences.UnionWith(told);
        told.UnionWith(_toldSilences);
        var keepsRoster = new Dictionary<string, bool>(StringComparer.Ordinal);
        var planned = new List<PlannedItem>();
        foreach (var (entry, key) in due.Where(d => !told.Contains(d.Key)))
        {
            var grid = entry.SubjectId;
            if (!reference.Map.Contains(grid) || await HeardSinceAsync(db, grid, entry.At, ct))
            {
                continue; // retired by a re-division, or it spoke up again: nothing to tell
            }

            var path = reference.Map.PathOf(grid);
            planned.Add(new PlannedItem(
                key, NotificationEvent.SilentGrid,
                await duty.HolderAsync(NotificationRouting.StartFrom(NotificationEvent.SilentGrid, path), keepsRoster, ct),
                null, null, grid, NotificationWording.Silent(reference.Map.PlaceOf(grid), entry.Deadline!.Value), now));
        }

        return planned;
    }

    private static async Task<bool> HeardSinceAsync(CommandCenterDbContext db, string grid, DateTimeOffset since, CancellationToken ct) =>
        await db.GridCheckIns.AnyAsync(c => c.GridCode == grid && c.At > since, ct)
        || await db.AlertReports.Where(r => r.ReceivedAt > since).Join(db.Alerts, r => r.AlertId, a => a.Id, (r, a) => a.GridCode).AnyAsync(g => g == grid, ct);

    /// <summary>
    /// Alerts told of (raised or escalated) and still waiting for acknowledgement: after the policy's interval, a
    /// reminder to the node first told; after a second interval, the rung above it. Each once.
    /// </summary>
    private async Task<List<PlannedItem>> RemindersAsync(DateTimeOffset now, CancellationToken ct)
    {
        // Telling of an alert follows a change to it (raised, escalated), so an alert unchanged for longer than any
        // reminder interval plus the catch-up period has nothing due: the index on UpdatedAt keeps the look cheap.
        var longest = reference.Policies.Max(p => p.Notifications.RemindAfter + p.Notifications.NextRungAfter);
        var changedSince = now - longest - options.Value.CatchUp;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var told = await (
            from alert in db.Alerts
            where alert.UpdatedAt >= changedSince && alert.State == AlertState.Reported
            join item in db.NotificationItems on alert.Id equals item.AlertId
            where item.Event == NotificationEvent.AlertRaised || item.Event == NotificationEvent.Escalated
            join notification in db.Notifications on item.NotificationId equals notification.Id
            where notification.ClosedAt != null
            select new { Alert = alert, notification.NodeCode, notification.ClosedAt })
            .AsNoTracking()
            .ToListAsync(ct);
        if (told.Count == 0)
        {
            return [];
        }

        var due = new List<PlannedItem>();
        foreach (var first in told.GroupBy(t => t.Alert.Id).Select(g => g.OrderBy(t => t.ClosedAt).First()))
        {
            var alert = first.Alert;
            var rules = reference.Policy(alert.PolicyVersion).Notifications;
            if (!rules.Reminders)
            {
                continue;
            }

            var place = reference.Map.PlaceOf(alert.GridCode);
            var sent = first.ClosedAt!.Value;
            if (sent + rules.RemindAfter <= now)
            {
                due.Add(new PlannedItem($"reminder:{alert.Id}:1", NotificationEvent.Reminder, first.NodeCode,
                    alert.Id, null, alert.GridCode, NotificationWording.Reminder(alert, place, 1), now));
            }

            if (sent + rules.RemindAfter + rules.NextRungAfter <= now)
            {
                due.Add(new PlannedItem($"reminder:{alert.Id}:2", NotificationEvent.Reminder, duty.Parent(first.NodeCode),
                    alert.Id, null, alert.GridCode, NotificationWording.Reminder(alert, place, 2), now));
            }
        }

        var already = await outbox.ToldAsync([.. due.Select(d => d.EventKey)], ct);
        return [.. due.Where(d => !already.Contains(d.EventKey))];
    }
}
