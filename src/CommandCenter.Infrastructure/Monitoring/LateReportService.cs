using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Monitoring;

/// <summary>Late reports charged to one grid's responsible person in a period, with who reported them.</summary>
public sealed record LateReportTally(
    string GridCode,
    string GridName,
    string ResponsibleName,
    int Count,
    TimeSpan LongestDelay,
    IReadOnlyList<ReporterTally> Reporters);

/// <summary>Late reports by one reporter (null: the report named nobody).</summary>
public sealed record ReporterTally(string? ReporterName, int Count);

/// <summary>
/// Charges late reports (迟报) to the reporting grid's responsible person and the reporter (责任倒查): one audit
/// entry and one feed message per late alert, exactly once — the alert remembers it was charged, and charging runs
/// under the store's write lock, so a second run, a run after downtime or two servers at once charge nothing twice.
/// Also answers the supervisors' question: who reported late, how often.
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

    /// <summary>
    /// The charged late reports of alerts reported in [<paramref name="from"/>, <paramref name="to"/>) inside
    /// <paramref name="nodeCode"/>'s subtree, per grid and responsible person (as charged), most first.
    /// </summary>
    public async Task<IReadOnlyList<LateReportTally>> LateReportsAsync(string nodeCode, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var node = reference.Map.Find(nodeCode) ?? throw new DomainRuleException($"Unknown node '{nodeCode}'.");
        if (to < from)
        {
            throw new DomainRuleException($"The period ends ({to:u}) before it starts ({from:u}).");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var charged = await db.Alerts.AsNoTracking().InSubtree(node)
            .Where(a => a.LateChargedAt != null && a.ReportedAt >= from && a.ReportedAt < to)
            .Select(a => new { a.GridCode, Responsible = a.LateChargedTo!, a.ReporterName, a.OccurredAt, a.ReportedAt })
            .ToListAsync(ct);

        return
        [
            .. charged
                .GroupBy(a => (a.GridCode, a.Responsible))
                .Select(grid => new LateReportTally(
                    grid.Key.GridCode,
                    reference.Map.Find(grid.Key.GridCode)?.Name ?? grid.Key.GridCode,
                    grid.Key.Responsible,
                    grid.Count(),
                    grid.Max(a => a.ReportedAt - a.OccurredAt),
                    [.. grid.GroupBy(a => a.ReporterName)
                        .Select(reporter => new ReporterTally(reporter.Key, reporter.Count()))
                        .OrderByDescending(r => r.Count).ThenBy(r => r.ReporterName, StringComparer.Ordinal)]))
                .OrderByDescending(t => t.Count).ThenBy(t => t.GridCode, StringComparer.Ordinal).ThenBy(t => t.ResponsibleName, StringComparer.Ordinal),
        ];
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
            // Nodes are only ever added to the store, so the alert's grid is on the map.
            var grid = reference.Map.Find(alert.GridCode) ?? throw new DomainRuleException($"Alert {alert.Id} is in unknown grid '{alert.GridCode}'.");
            if (!alert.ChargeLateReport(grid.Responsible.Name, now))
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
                    + $"Charged to grid {grid.Code} ({grid.Name}), responsible {grid.Responsible.Name}; reporter {alert.ReporterName ?? "not named"}",
                alert.OccurredAt + limit));
            charges.Add(new LateReportCharged(
                alert.Path(reference.Map.City.Code), now, alert.Id, grid.Code, grid.Responsible.Name, alert.ReporterName,
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
