using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Alerts;

/// <summary>What ingesting a report did, and the alert it did it to.</summary>
public sealed record IngestResult(IngestOutcome Outcome, Alert Alert);

/// <summary>
/// The one way reports become alerts, for the API and the simulator alike: idempotent on (source, external id),
/// merging repeats of the same grid + category inside the merge window, audited, and announced on the live feed
/// without waiting for anyone to receive it.
/// </summary>
public sealed class AlertIngestionService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    IOptionsMonitor<AlertOptions> options,
    ILogger<AlertIngestionService> logger)
{
    // Check-then-write must not interleave, or two repeats could both raise an alert. The gate orders callers in
    // this process; the write transaction (taken before the checks) orders servers sharing the store.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IngestResult> IngestAsync(NewAlertReport report, Actor actor, CancellationToken ct = default)
    {
        var path = Place(report);
        if (reference.Categories.Find(report.CategoryCode) is null)
        {
            throw new DomainRuleException($"Unknown category '{report.CategoryCode}'.");
        }

        await _gate.WaitAsync(ct);
        try
        {
            return await IngestLockedAsync(report, path, actor, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IngestResult> IngestLockedAsync(NewAlertReport report, NodePath path, Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        var now = time.Now();

        var seenAlertId = await db.AlertReports
            .Where(r => r.Source == report.Source && r.ExternalId == report.ExternalId)
            .Select(r => (Guid?)r.AlertId)
            .FirstOrDefaultAsync(ct);
        if (seenAlertId is { } alertId)
        {
            return new IngestResult(IngestOutcome.Duplicate, await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alertId, ct));
        }

        var window = options.CurrentValue.MergeWindow;
        var since = now - window;
        var candidate = await db.Alerts
            .Where(a => a.GridCode == path.GridCode
                && a.CategoryCode == report.CategoryCode
                && a.LastReportedAt >= since
                && a.State != AlertState.Closed
                && a.State != AlertState.Voided)
            .OrderByDescending(a => a.LastReportedAt)
            .FirstOrDefaultAsync(ct);

        IngestResult result;
        AlertChanged change;
        if (candidate is not null && candidate.Absorbs(path.GridCode!, report.CategoryCode, now, window))
        {
            candidate.MergeRepeat(report, now);
            db.AuditEntries.Add(Audit(candidate, actor, now, "RepeatMerged", candidate.State, $"Repeat #{candidate.RepeatCount}: {report.Source}/{report.ExternalId}"));
            result = new IngestResult(IngestOutcome.Merged, candidate);
            change = AlertChanged.From(candidate, path.CityCode, AlertChange.RepeatMerged, candidate.State, now);
        }
        else
        {
            var policy = reference.CurrentPolicy;
            var alert = Alert.Raise(
                report, path, policy.Version, policy.IsLateReport(report.Severity, report.OccurredAt, now),
                policy.DeadlinesFor(report.CategoryCode, report.Severity, reference.Categories), Guid.CreateVersion7(now), now);
            db.Alerts.Add(alert);
            db.AuditEntries.Add(Audit(alert, actor, now, "Raised", null, alert.IsLateReport ? "Late report (迟报)" : null));
            result = new IngestResult(IngestOutcome.Created, alert);
            change = AlertChanged.From(alert, path.CityCode, AlertChange.Raised, null, now);
        }

        db.AlertReports.Add(new AlertReport
        {
            AlertId = result.Alert.Id,
            Source = report.Source,
            ExternalId = report.ExternalId,
            ReceivedAt = now,
            OccurredAt = report.OccurredAt,
            ReporterName = report.Reporter?.Name,
        });

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        feed.Publish(change);
        logger.LogInformation("Alert {AlertId} {Outcome} from {Source}/{ExternalId} in grid {GridCode}, repeats {RepeatCount}",
            result.Alert.Id, result.Outcome, report.Source, report.ExternalId, path.GridCode, result.Alert.RepeatCount);
        return result;
    }

    /// <summary>Resolves the report to a grid and its path: the grid code when given, else the point.</summary>
    private NodePath Place(NewAlertReport report)
    {
        var map = reference.Map;
        if (report.GridCode is { } code)
        {
            var grid = map.Find(code);
            return grid is { Level: NodeLevel.Grid }
                ? map.PathOf(grid.Code)
                : throw new DomainRuleException($"Unknown grid '{code}'.");
        }

        if (report.Location is { } point)
        {
            var grid = map.ResolveGrid(point.Latitude, point.Longitude)
                ?? throw new DomainRuleException($"The point ({point.Latitude}, {point.Longitude}) is outside {map.City.Name}.");
            return map.PathOf(grid.Code);
        }

        throw new DomainRuleException("A report needs a grid code or a location.");
    }

    private static AuditEntry Audit(Alert alert, Actor actor, DateTimeOffset now, string action, AlertState? from, string? comment) => new()
    {
        Subject = AuditSubject.Alert,
        SubjectId = alert.Id.ToString(),
        Action = action,
        Actor = actor.Name,
        Seat = actor.Seat,
        At = now,
        FromState = from?.ToString(),
        ToState = alert.State.ToString(),
        Comment = comment,
        PolicyVersion = alert.PolicyVersion,
    };
}
