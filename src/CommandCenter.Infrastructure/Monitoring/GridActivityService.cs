using System.Collections.Immutable;
using CommandCenter.Core;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Monitoring;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Monitoring;

/// <summary>
/// Grid workers' check-ins, and which grids are silent: no report (from any source, for an alert in the grid) and no
/// check-in for <see cref="MonitoringOptions.SilentGridHours"/>. The current silent set lives in memory and is
/// recomputed from the store after a restart; the feed hears of it only when it changes. Each time a grid turns
/// silent is audited exactly once: the entry's deadline is the moment it fell silent, so a restart, a second run or
/// a second server finds the entry and writes none.
/// </summary>
public sealed class GridActivityService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    IOptionsMonitor<MonitoringOptions> options,
    ILogger<GridActivityService> logger)
{
    /// <summary>The audit trail's actor for silence.</summary>
    public const string ActorName = "silent-grid-job";

    // One update at a time, so the set and the messages about it stay in step.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ImmutableSortedSet<string> _silent = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
    private DateTimeOffset? _watchedSince;

    /// <summary>The grids silent at the last update, by code; empty until the first one after start-up (the job runs it at once).</summary>
    public IReadOnlyCollection<string> SilentGridCodes => _silent;

    /// <summary>
    /// Records a grid worker's check-in. A silent grid's silence ends at once (the set is updated and announced)
    /// rather than at the next scheduled update.
    /// </summary>
    /// <exception cref="DomainRuleException">Not a known grid, or no worker name.</exception>
    public async Task<GridCheckIn> CheckInAsync(string gridCode, string workerName, CancellationToken ct = default)
    {
        var grid = reference.Map.Find(gridCode) ?? throw new DomainRuleException($"Unknown grid '{gridCode}'.");
        var checkIn = GridCheckIn.Record(grid, workerName, time.Now());
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            db.GridCheckIns.Add(checkIn);
            await db.SaveChangesAsync(ct);
        }

        logger.LogInformation("Grid {GridCode} check-in by {Worker}", checkIn.GridCode, checkIn.WorkerName);
        if (_silent.Contains(checkIn.GridCode))
        {
            await UpdateSilentGridsAsync(ct);
        }

        return checkIn;
    }

    /// <summary>
    /// Recomputes the silent set; audits the grids that turned silent and announces the change. Returns the message
    /// published, or null when the set is unchanged.
    /// </summary>
    public async Task<SilentGridsChanged?> UpdateSilentGridsAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await UpdateLockedAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SilentGridsChanged?> UpdateLockedAsync(CancellationToken ct)
    {
        if (!reference.HasCity)
        {
            return null;
        }

        var quiet = options.CurrentValue.SilentAfter;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.Now();
        var watchedSince = _watchedSince ??= await WatchedSinceAsync(db, ct);

        // Until the city has been watched for the quiet limit, not even a grid never heard from is silent.
        var silent = GridSilence.IsSilent(null, watchedSince, quiet, now)
            ? reference.Map.Grids.Select(g => g.Code).ToImmutableSortedSet(StringComparer.Ordinal).Except(await HeardSinceAsync(db, now - quiet, ct))
            : _silent.Clear();

        var previous = _silent;
        var turned = silent.Except(previous);
        if (!turned.IsEmpty)
        {
            silent = silent.Except(await AuditTurnedSilentAsync(db, turned, watchedSince, quiet, now, ct));
        }

        if (silent.SetEquals(previous))
        {
            return null;
        }

        _silent = silent;
        var change = new SilentGridsChanged(reference.Map.PathOf(reference.Map.City.Code), now, [.. silent], [.. previous.Except(silent)]);
        feed.Publish(change);
        logger.LogInformation("Silent grids: {SilentCount} ({Turned} newly silent, {Ended} no longer)", silent.Count, silent.Except(previous).Count, change.NoLongerSilent.Count);
        return change;
    }

    /// <summary>
    /// Audits each grid of <paramref name="turned"/> that is still silent, once per silence, under the store's write
    /// lock; returns the grids that woke up meanwhile (a report or check-in landed since the set was computed).
    /// </summary>
    private async Task<IReadOnlySet<string>> AuditTurnedSilentAsync(
        CommandCenterDbContext db, ImmutableSortedSet<string> turned, DateTimeOffset watchedSince, TimeSpan quiet, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        var codes = turned.ToList();
        var lastReports = await db.AlertReports
            .Join(db.Alerts, r => r.AlertId, a => a.Id, (r, a) => new { a.GridCode, r.ReceivedAt })
            .Where(x => codes.Contains(x.GridCode))
            .GroupBy(x => x.GridCode)
            .Select(g => new { GridCode = g.Key, Last = g.Max(x => x.ReceivedAt) })
            .ToDictionaryAsync(x => x.GridCode, x => (DateTimeOffset?)x.Last, ct);
        var lastCheckIns = await db.GridCheckIns
            .Where(c => codes.Contains(c.GridCode))
            .GroupBy(c => c.GridCode)
            .Select(g => new { GridCode = g.Key, Last = g.Max(c => c.At) })
            .ToDictionaryAsync(x => x.GridCode, x => (DateTimeOffset?)x.Last, ct);
        var audited = (await db.AuditEntries
            .Where(e => e.Subject == AuditSubject.Grid && e.Action == AuditAction.TurnedSilent && codes.Contains(e.SubjectId))
            .Select(e => new { e.SubjectId, e.Deadline })
            .ToListAsync(ct))
            .Select(e => (e.SubjectId, e.Deadline))
            .ToHashSet();

        var awake = new HashSet<string>(StringComparer.Ordinal);
        foreach (var code in codes)
        {
            var last = Latest(lastReports.GetValueOrDefault(code), lastCheckIns.GetValueOrDefault(code));
            var silentFrom = GridSilence.SilentFrom(last, watchedSince, quiet).TruncateToMilliseconds(); // as the store keeps it
            if (silentFrom > now)
            {
                awake.Add(code);
                continue;
            }

            if (audited.Contains((code, silentFrom)))
            {
                continue; // this silence was audited before a restart, or by another server
            }

            db.AuditEntries.Add(AuditEntry.ForSilentGrid(
                code,
                Actor.System(ActorName),
                now,
                silentFrom,
                last is { } at
                    ? $"No report or check-in since {at:yyyy-MM-dd HH:mm} UTC (limit {quiet.TotalHours:0.##} h)"
                    : $"No report or check-in since watching began {watchedSince:yyyy-MM-dd HH:mm} UTC (limit {quiet.TotalHours:0.##} h)"));
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return awake;
    }

    /// <summary>The grids with a report or a check-in after <paramref name="since"/>.</summary>
    private static async Task<IReadOnlyList<string>> HeardSinceAsync(CommandCenterDbContext db, DateTimeOffset since, CancellationToken ct)
    {
        var reported = await db.AlertReports
            .Where(r => r.ReceivedAt > since)
            .Join(db.Alerts, r => r.AlertId, a => a.Id, (r, a) => a.GridCode)
            .Distinct()
            .ToListAsync(ct);
        var checkedIn = await db.GridCheckIns
            .Where(c => c.At > since)
            .Select(c => c.GridCode)
            .Distinct()
            .ToListAsync(ct);
        return [.. reported, .. checkedIn];
    }

    /// <summary>
    /// Since when grids are watched: the store keeps no creation time of its own, and its first policy version was
    /// loaded when the city was first seeded. A grid never heard from counts as quiet from then on.
    /// </summary>
    private static async Task<DateTimeOffset> WatchedSinceAsync(CommandCenterDbContext db, CancellationToken ct) =>
        await db.Policies.OrderBy(p => p.LoadedAt).Select(p => p.LoadedAt).FirstAsync(ct);

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a > b || b is null ? a : b;
}
