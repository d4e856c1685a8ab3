using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Audit;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Workflow;

/// <summary>
/// Flags alerts whose stage deadline has passed and climbs each one rung up the ladder (grid → community → town →
/// city) per missed deadline, exactly once: an alert remembers the deadline it was escalated for, and each batch is
/// read and written under the store's write lock, so a second run, a run after downtime, two runs at once or a staff
/// action at the same moment neither escalate anything twice nor lose a change.
/// </summary>
public sealed class EscalationService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    ILogger<EscalationService> logger)
{
    /// <summary>
    /// Alerts per write transaction: after long downtime most open alerts fall due at once, and each transaction
    /// rewrites every page its alerts sit on, so fewer, larger batches are faster; the size bounds a batch's memory.
    /// See wwwroot-assets/docs/decisions/0008-escalation-storm-in-prepared-batches.md.
    /// </summary>
    internal const int DefaultBatchSize = 10_000;

    /// <summary>Who the audit trail says escalated.</summary>
    private static readonly Actor Escalator = Actor.System("escalation-job");

    /// <summary>The page cache a run works with; see <see cref="PageCache"/>.</summary>
    private const int CacheMegabytes = 64;

    /// <summary>
    /// The columns <see cref="Alert.EscalateIfOverdue"/> changes, the only ones written back. A test compares them with
    /// what the domain method actually changes, so the rule stays in the domain and this list cannot fall behind it.
    /// </summary>
    internal static readonly string[] EscalatedColumns =
    [
        nameof(Alert.EscalatedDeadline), nameof(Alert.EscalationLevel), nameof(Alert.IsOverdue), nameof(Alert.UpdatedAt), nameof(Alert.Version),
    ];

    /// <summary>Alerts per write transaction: <see cref="DefaultBatchSize"/>; tests lower it to cover several batches.</summary>
    internal int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// The next <paramref name="count"/> overdue alerts not yet escalated for their current deadline, oldest deadline
    /// first. Its condition is the filter of the partial index <c>IX_Alerts_EscalationDue</c>, which keeps the scan cheap.
    /// </summary>
    internal static IQueryable<Alert> Due(IQueryable<Alert> alerts, DateTimeOffset now, int count) => alerts
        .Where(a => a.StageDeadline != null && a.StageDeadline <= now
            && (a.EscalatedDeadline == null || a.EscalatedDeadline < a.StageDeadline))
        .OrderBy(a => a.StageDeadline)
        .Take(count);

    /// <summary>Escalates every overdue alert not yet escalated for its current deadline; returns how many.</summary>
    public async Task<int> EscalateDueAsync(CancellationToken ct = default)
    {
        var now = time.Now();
        await using var db = await contexts.CreateDbContextAsync(ct);

        // Most runs find nothing: look without the write lock, so the 2-second scan never makes a writer wait.
        if (await Due(db.Alerts, now, 1).Select(a => a.Id).ToListAsync(ct) is [])
        {
            return 0;
        }

        // One connection for every batch of the run, so the pages the first batch cached serve the next ones.
        await using var cache = await PageCache.EnlargeAsync(db, CacheMegabytes, ct);
        var total = 0;
        while (true)
        {
            var (escalated, more) = await EscalateBatchAsync(db, now, ct);
            total += escalated;
            if (!more)
            {
                return total;
            }
        }
    }

    /// <summary>
    /// One batch, read and written inside one write transaction, so nothing can change between the read and the write;
    /// the domain method decides each alert's new values in memory. Rows are written with prepared statements rather
    /// than <c>SaveChanges</c>, whose change tracking and per-row SQL took most of the time when thousands fell due.
    /// </summary>
    private async Task<(int Escalated, bool More)> EscalateBatchAsync(CommandCenterDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        var due = await Due(db.Alerts.AsNoTracking(), now, BatchSize).ToListAsync(ct);
        if (due.Count == 0)
        {
            return (0, false);
        }

        using var update = PreparedWrite<Alert>.Update(db, EscalatedColumns);
        var audit = new List<AuditEntry>(due.Count);
        var changes = new List<AlertChanged>(due.Count);
        foreach (var alert in due)
        {
            var ladder = reference.Policy(alert.PolicyVersion).Ladder;
            var (deadline, version) = (alert.StageDeadline, alert.Version);
            if (!alert.EscalateIfOverdue(now, ladder.Count - 1))
            {
                continue;
            }

            if (!update.TryUpdate(alert, version))
            {
                // Cannot happen under the write lock; should it ever, the batch rolls back and the next run looks again.
                logger.LogWarning("Alert {AlertId} changed under the escalation batch's write lock; retrying on the next run", alert.Id);
                return (0, false);
            }

            audit.Add(AuditEntry.ForAlert(
                alert, AuditAction.Escalated, Escalator, now,
                $"Overdue in {alert.State}; escalated to {ladder[alert.EscalationLevel]} (rung {alert.EscalationLevel})", deadline));
            changes.Add(AlertChanged.From(alert, reference.Map.City.Code, AlertChange.Escalated, alert.State, now));
        }

        await AuditChains.InsertAsync(db, audit, ct);
        await transaction.CommitAsync(ct);
        foreach (var change in changes)
        {
            feed.Publish(change);
        }

        logger.LogInformation("Escalated {Count} overdue alerts", changes.Count);
        return (changes.Count, due.Count == BatchSize);
    }
}
