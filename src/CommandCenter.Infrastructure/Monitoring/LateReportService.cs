using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Monitoring;

/// <summary>
/// Charges late reports (迟报) to the reporting grid's responsible person and the reporter (责任倒查): one audit
/// entry and one feed message per late alert, exactly once — the alert remembers it was charged, and charging runs
/// under the store's write lock, so a second run, a run after downtime or two servers at once charge nothing twice.
/// </summary>
public sealed class LateReportService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    ILogger<LateReportService> logger)
{
    /// <summary>The audit trail's actor for these charges.</summary>
    public const string ActorName = "late-report-job";

    private const int BatchSize = 500;

    /// <summary>Charges every late alert not charged yet; returns how many.</summary>
    public async Task<int> ChargeDueAsync(CancellationToken ct = default)
    {
        var total = 0;
        while (true)
        {
            var (charged, more) = await ChargeBatchAsync(ct);
            total += charged;
            if (!more)
            {
                return total;
            }
        }
    }

    private async Task<(int Charged, bool More)> ChargeBatchAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        var now = time.Now();
        var due = await db.Alerts
            .Where(a => a.IsLateReport && a.LateChargedAt == null)
            .OrderBy(a => a.ReportedAt)
            .Take(BatchSize)
            .ToListAsync(ct);

        var charges = new List<LateReportCharged>(due.Count);
        foreach (var alert in due)
        {
            // A grid retired by a re-division is off the map but kept in the store, with who answered for it then: the
            // charge goes to them. A grid in neither would be a broken store; it must not stop charging for the city.
            var grid = reference.Map.Find(alert.GridCode) is { } node
                ? (node.Code, node.Name, Responsible: node.Responsible.Name)
                : await db.Nodes.AsNoTracking().Where(n => n.Code == alert.GridCode).Select(n => new { n.Code, n.Name, n.ResponsibleName }).FirstOrDefaultAsync(ct) is { } retired
                    ? (retired.Code, retired.Name, Responsible: retired.ResponsibleName)
                    : (Code: (string?)null, Name: "", Responsible: "");
            if (grid.Code is null)
            {
                logger.LogWarning("Late report {AlertId} is in grid {GridCode}, which the store does not know; left uncharged", alert.Id, alert.GridCode);
                continue;
            }

            if (!alert.ChargeLateReport(grid.Responsible, now))
            {
                continue;
            }

            // The limit for the alert's severity now: a repeat may have made it graver since it was raised.
            var limit = reference.Policy(alert.PolicyVersion).LateReportLimits.TryGetValue(alert.Severity, out var l) ? l : (TimeSpan?)null;
            var delay = alert.ReportedAt - alert.OccurredAt;
            db.AuditEntries.Add(AuditEntry.ForAlert(
                alert,
                AuditAction.LateReportCharged,
                Actor.System(ActorName),
                now,
                $"Reported {Minutes(delay)} after it occurred; the {alert.Severity} limit is {(limit is { } max ? Minutes(max) : "not set")}. "
                    + $"Charged to grid {grid.Code} ({grid.Name}), responsible {grid.Responsible}; reporter {alert.ReporterName ?? "not named"}",
                alert.OccurredAt + limit));
            charges.Add(new LateReportCharged(
                alert.Path(reference.Map.City.Code), now, alert.Id, grid.Code, grid.Responsible, alert.ReporterName,
                alert.Severity, alert.OccurredAt, alert.ReportedAt, limit, delay));
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        foreach (var charge in charges)
        {
            feed.Publish(charge);
            logger.LogInformation("Late report {AlertId} in grid {GridCode} charged to {Responsible}, reporter {Reporter}: {Delay} late",
                charge.AlertId, charge.GridCode, charge.ResponsibleName, charge.ReporterName, charge.Delay);
        }

        return (charges.Count, due.Count == BatchSize);
    }

    private static string Minutes(TimeSpan span) => $"{span.TotalMinutes:0} min";
}
