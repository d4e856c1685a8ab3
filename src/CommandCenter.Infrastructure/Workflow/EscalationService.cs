using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Workflow;

/// <summary>
/// Flags alerts whose stage deadline has passed and climbs each one rung up the ladder (grid → community → town →
/// city) per missed deadline, exactly once: an alert remembers the deadline it was escalated for, so a second run,
/// a run after downtime or two runs at once change nothing twice.
/// </summary>
public sealed class EscalationService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    ILogger<EscalationService> logger)
{
    private const int BatchSize = 500;

    /// <summary>
    /// The next batch of overdue alerts not yet escalated for their current deadline, oldest deadline first. Its
    /// condition is the filter of the partial index <c>IX_Alerts_EscalationDue</c>, which keeps the scan cheap.
    /// </summary>
    internal static IQueryable<Alert> Due(IQueryable<Alert> alerts, DateTimeOffset now) => alerts
        .Where(a => a.StageDeadline != null && a.StageDeadline <= now
            && (a.EscalatedDeadline == null || a.EscalatedDeadline < a.StageDeadline))
        .OrderBy(a => a.StageDeadline)
        .Take(BatchSize);

    /// <summary>Escalates every overdue alert not yet escalated for its current deadline; returns how many.</summary>
    public async Task<int> EscalateDueAsync(CancellationToken ct = default)
    {
        var now = time.Now();
        var total = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var due = await Due(db.Alerts, now).ToListAsync(ct);
            if (due.Count == 0)
            {
                return total;
            }

            var changes = new List<AlertChanged>(due.Count);
            foreach (var alert in due)
            {
                var ladder = reference.Policy(alert.PolicyVersion).Ladder;
                var deadline = alert.StageDeadline;
                if (!alert.EscalateIfOverdue(now, ladder.Count - 1))
                {
                    continue;
                }

                db.AuditEntries.Add(new AuditEntry
                {
                    Subject = AuditSubject.Alert,
                    SubjectId = alert.Id.ToString(),
                    Action = "Escalated",
                    Actor = "escalation-job",
                    Seat = "system",
                    At = now,
                    FromState = alert.State.ToString(),
                    ToState = alert.State.ToString(),
                    Comment = $"Overdue in {alert.State}; escalated to {ladder[alert.EscalationLevel]} (rung {alert.EscalationLevel})",
                    Deadline = deadline,
                    PolicyVersion = alert.PolicyVersion,
                });
                changes.Add(AlertChanged.From(alert, reference.Map.City.Code, AlertChange.Escalated, alert.State, now));
            }

            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone acted on one of them meanwhile: the next run looks again with fresh data.
                logger.LogInformation("Escalation batch raced a staff action; retrying on the next run");
                return total;
            }

            foreach (var change in changes)
            {
                feed.Publish(change);
            }

            total += changes.Count;
            logger.LogInformation("Escalated {Count} overdue alerts", changes.Count);
            if (due.Count < BatchSize)
            {
                return total;
            }
        }
    }
}
