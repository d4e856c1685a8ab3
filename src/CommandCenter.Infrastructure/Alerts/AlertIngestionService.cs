using System.Collections.Concurrent;
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
/// <remarks>
/// Group commit: reports queue up, and whoever holds the write gate stores everything queued behind it in one write
/// transaction — each report checked and saved in turn (so a repeat sees the report just before it), one commit and one
/// flush to disk for them all. A burst costs a flush per batch instead of per report; a lone report goes through at
/// once. One report failing rolls back only its own part (a savepoint); the rest of its batch is stored.
/// </remarks>
public sealed class AlertIngestionService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    IOptionsMonitor<AlertOptions> options,
    ILogger<AlertIngestionService> logger)
{
    /// <summary>The most reports one transaction stores; bounds how long one batch holds the store's write lock.</summary>
    internal const int MaxBatch = 256;

    private const string ReportSavepoint = "report";

    // Check-then-write must not interleave, or two repeats could both raise an alert. The gate orders batches in
    // this process; the write transaction (taken before the checks) orders servers sharing the store.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentQueue<QueuedReport> _queue = new();

    public async Task<IngestResult> IngestAsync(NewAlertReport report, Actor actor, CancellationToken ct = default)
    {
        var path = Place(report);
        if (reference.Categories.Find(report.CategoryCode) is null)
        {
            throw new DomainRuleException($"Unknown category '{report.CategoryCode}'.");
        }

        var queued = new QueuedReport(report, path, actor);
        _queue.Enqueue(queued);
        try
        {
            await _gate.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (!queued.TryWithdraw())
        {
            // Too late to withdraw: a batch has taken it and is storing it; answer as that batch ends.
            return await queued.Stored.Task;
        }

        try
        {
            // An earlier gate holder may have stored it already; otherwise store batches until it is done.
            while (!queued.Stored.Task.IsCompleted)
            {
                await StoreBatchAsync(TakeBatch());
            }
        }
        finally
        {
            _gate.Release();
        }

        return await queued.Stored.Task;
    }

    private List<QueuedReport> TakeBatch()
    {
        var batch = new List<QueuedReport>();
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var queued))
        {
            if (queued.TryTake())
            {
                batch.Add(queued);
            }
        }

        return batch;
    }

    /// <summary>
    /// Stores a batch in one write transaction and then answers every report in it. Runs to the end whatever its
    /// callers' tokens say: one caller giving up must not undo the others' reports.
    /// </summary>
    private async Task StoreBatchAsync(List<QueuedReport> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var stored = new List<(QueuedReport Queued, IngestResult Result, AlertChanged? Change)>(batch.Count);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            db.Database.AutoSavepointsEnabled = false;
            await using var transaction = await db.BeginWriteTransactionAsync(CancellationToken.None);
            foreach (var queued in batch)
            {
                await transaction.CreateSavepointAsync(ReportSavepoint);
                try
                {
                    var (result, change) = await StoreOneAsync(db, queued);
                    stored.Add((queued, result, change));
                }
                catch (Exception error)
                {
                    await transaction.RollbackToSavepointAsync(ReportSavepoint);
                    queued.Stored.TrySetException(error);
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception error)
        {
            // Nothing of this batch is stored (the transaction failed or never began): every report not yet answered hears why.
            foreach (var queued in batch)
            {
                queued.Stored.TrySetException(error);
            }

            return;
        }

        foreach (var (queued, result, change) in stored)
        {
            if (change is not null)
            {
                feed.Publish(change);
                logger.LogInformation("Alert {AlertId} {Outcome} from {Source}/{ExternalId} in grid {GridCode}, repeats {RepeatCount}",
                    result.Alert.Id, result.Outcome, queued.Report.Source, queued.Report.ExternalId, queued.Path.GridCode, result.Alert.RepeatCount);
            }

            queued.Stored.TrySetResult(result);
        }
    }

    /// <summary>Checks and saves one report inside the batch's transaction; the change to announce once it commits (none for a duplicate).</summary>
    private async Task<(IngestResult Result, AlertChanged? Change)> StoreOneAsync(CommandCenterDbContext db, QueuedReport queued)
    {
        var (report, path, actor) = (queued.Report, queued.Path, queued.Actor);
        var now = time.Now();

        var seenAlertId = await db.AlertReports
            .Where(r => r.Source == report.Source && r.ExternalId == report.ExternalId)
            .Select(r => (Guid?)r.AlertId)
            .FirstOrDefaultAsync();
        if (seenAlertId is { } alertId)
        {
            return (new IngestResult(IngestOutcome.Duplicate, await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alertId)), null);
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
            .FirstOrDefaultAsync();

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

        await db.SaveChangesAsync();
        return (result, change);
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

    /// <summary>A report waiting for a batch. Taken by one batch, or withdrawn by its caller before any batch took it — never both.</summary>
    private sealed class QueuedReport(NewAlertReport report, NodePath path, Actor actor)
    {
        private const int Waiting = 0, Taken = 1, Withdrawn = 2;
        private int _state = Waiting;

        public NewAlertReport Report { get; } = report;
        public NodePath Path { get; } = path;
        public Actor Actor { get; } = actor;
        public TaskCompletionSource<IngestResult> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

        public bool TryWithdraw()
        {
            if (Interlocked.CompareExchange(ref _state, Withdrawn, Waiting) != Waiting)
            {
                return false;
            }

            Stored.TrySetCanceled();
            return true;
        }
    }
}
