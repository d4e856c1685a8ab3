using System.Collections.Concurrent;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Audit;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
/// transaction — two reads for the whole batch (reports seen before, open alerts to merge into), each report decided in
/// queue order (a repeat sees the reports before it), one save, one commit and one flush to disk. A burst costs that
/// per batch instead of per report; a lone report goes through at once. If the batch fails it is stored again report
/// by report, each behind a savepoint, so only the report at fault fails.
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

    private const string BatchSavepoint = "batch", ReportSavepoint = "report";

    // Check-then-write must not interleave, or two repeats could both raise an alert. The gate orders batches in
    // this process; the write transaction's keys (taken before the checks) order servers sharing the store.
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

        List<StoredReport> stored;
        try
        {
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            db.Database.AutoSavepointsEnabled = false;
            await using var transaction = await db.BeginKeyedWriteTransactionAsync(WriteKeysOf(batch), CancellationToken.None);
            await transaction.CreateSavepointAsync(BatchSavepoint);
            try
            {
                stored = await StoreTogetherAsync(db, batch);
            }
            catch (Exception error) when (batch.Count > 1)
            {
                // Something in the batch failed: undo it and store report by report, so only the one at fault fails.
                logger.LogWarning(error, "Storing {Count} reports together failed; storing them one by one", batch.Count);
                await transaction.RollbackToSavepointAsync(BatchSavepoint);
                db.ChangeTracker.Clear();
                stored = await StoreOneByOneAsync(db, transaction, batch);
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
                    result.Alert.Id, result.Outcome, queued.Report.Source, queued.Report.ExternalId, queued.Path.GridCode, change.RepeatCount);
            }
            else
            {
                // A report sent again changes nothing, but a sender retrying must still show in the log.
                logger.LogInformation("Report {Source}/{ExternalId} sent again: already stored as alert {AlertId}",
                    queued.Report.Source, queued.Report.ExternalId, result.Alert.Id);
            }

            queued.Stored.TrySetResult(result);
        }
    }

    /// <summary>
    /// What a batch's check-then-write touches, and so what it locks: each report's (source, external id), whose
    /// earlier copy it looks for, and each report's (grid, category), whose open alert it may merge into — including
    /// that alert's audit trail. Batches on other grids and categories write at the same time on another server.
    /// </summary>
    private static IEnumerable<string> WriteKeysOf(List<QueuedReport> batch) =>
        batch.SelectMany(q => new[] { MergeKey(q.Path.GridCode!, q.Report.CategoryCode), ReportKey(q.Report.Source, q.Report.ExternalId) });

    internal static string MergeKey(string gridCode, string categoryCode) => $"alert\u001f{gridCode}\u001f{categoryCode}";

    internal static string ReportKey(AlertSource source, string externalId) => $"report\u001f{source}\u001f{externalId}";

    /// <summary>
    /// The batch decided in memory in queue order (a repeat sees the reports before it in the batch), all received at
    /// the same moment, then written. The store is asked twice for the whole batch, through compiled queries that seek
    /// their indexes: which reports were seen before, and the latest open alerts of the batch's grids and categories. On
    /// PostgreSQL every question is a network round trip inside the store's write lock, so asking per report made the
    /// lock, not the machine, the ceiling. Rows the batch creates — alerts, audit entries, reports — go out through
    /// prepared inserts (<see cref="PreparedWrite{T}.InsertAllAsync"/>), since <c>SaveChanges</c> spends more on
    /// tracking and SQL generation than SQLite spends writing them; an alert a report merges into is attached before it
    /// changes, and <c>SaveChanges</c> writes it, guarded by its version.
    /// </summary>
    private async Task<List<StoredReport>> StoreTogetherAsync(CommandCenterDbContext db, List<QueuedReport> batch)
    {
        var now = time.Now();
        var window = options.CurrentValue.MergeWindow;
        var since = now - window;

        var seen = await SeenBeforeAsync(db, batch);
        var latest = await LatestOpenAsync(db, batch, since);
        var inBatch = new Dictionary<Guid, Alert>();
        var rows = new BatchRows();
        var stored = new List<StoredReport>(batch.Count);
        var duplicatesOfEarlier = new List<(QueuedReport Queued, Guid AlertId)>();
        foreach (var queued in batch)
        {
            var (report, path, actor) = (queued.Report, queued.Path, queued.Actor);
            var reportKey = (report.Source, report.ExternalId);
            if (seen.TryGetValue(reportKey, out var alertId))
            {
                if (inBatch.TryGetValue(alertId, out var alert))
                {
                    stored.Add(new(queued, new IngestResult(IngestOutcome.Duplicate, alert), null));
                }
                else
                {
                    duplicatesOfEarlier.Add((queued, alertId));
                }

                continue;
            }

            var pair = (path.GridCode!, report.CategoryCode);
            var candidate = latest.GetValueOrDefault(pair);
            if (candidate is not null && !inBatch.ContainsKey(candidate.Id))
            {
                // Tracked from before the merge, so SaveChanges writes what it changed, guarded by the version it was read at.
                db.Alerts.Attach(candidate);
            }

            var (result, change) = Ingest(rows, report, path, actor, candidate, now, window);
            latest[pair] = result.Alert;
            inBatch[result.Alert.Id] = result.Alert;
            seen[reportKey] = result.Alert.Id;
            stored.Add(new(queued, result, change));
        }

        await rows.WriteAsync(db);
        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync();
        }

        if (duplicatesOfEarlier.Count > 0)
        {
            var ids = duplicatesOfEarlier.Select(d => d.AlertId).Distinct().ToList();
            var earlier = await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id);
            stored.AddRange(duplicatesOfEarlier.Select(d => new StoredReport(d.Queued, new IngestResult(IngestOutcome.Duplicate, earlier[d.AlertId]), null)));
        }

        return stored;
    }

    /// <summary>The alert each report of the batch was stored under before, for those that were: one query per source.</summary>
    private static async Task<Dictionary<(AlertSource, string), Guid>> SeenBeforeAsync(CommandCenterDbContext db, List<QueuedReport> batch)
    {
        var seen = new Dictionary<(AlertSource, string), Guid>();
        foreach (var source in batch.GroupBy(q => q.Report.Source))
        {
            var externalIds = source.Select(q => q.Report.ExternalId).Distinct(StringComparer.Ordinal).ToArray();
            await foreach (var report in SeenBeforeQuery(db, source.Key, externalIds))
            {
                seen[(source.Key, report.ExternalId)] = report.AlertId;
            }
        }

        return seen;
    }

    /// <summary>
    /// For each grid and category of the batch, the latest open alert reported since <paramref name="since"/>, untracked:
    /// what a report could merge into (attached only when a report of its pair comes to it). One query over the batch's
    /// grids × categories; a pair the batch does not hold may come back too, and is simply not used.
    /// </summary>
    private static async Task<Dictionary<(string, string), Alert?>> LatestOpenAsync(CommandCenterDbContext db, List<QueuedReport> batch, DateTimeOffset since)
    {
        var grids = batch.Select(q => q.Path.GridCode!).Distinct(StringComparer.Ordinal).ToArray();
        var categories = batch.Select(q => q.Report.CategoryCode).Distinct(StringComparer.Ordinal).ToArray();
        var latest = new Dictionary<(string, string), Alert?>();
        await foreach (var alert in LatestOpenQuery(db, grids, categories, since))
        {
            var pair = (alert.GridCode, alert.CategoryCode);
            if (latest.GetValueOrDefault(pair) is not { } known || alert.LastReportedAt > known.LastReportedAt)
            {
                latest[pair] = alert;
            }
        }

        return latest;
    }

    internal sealed record SeenReport(string ExternalId, Guid AlertId);

    /// <summary>Which of <paramref name="externalIds"/> a source sent before, and under which alert: seeks on the (source, external id) index.</summary>
    internal static IAsyncEnumerable<SeenReport> SeenBeforeQuery(CommandCenterDbContext db, AlertSource source, string[] externalIds) =>
        _seenBefore.For(db)(db, source, externalIds);

    private static readonly CompiledPerModel<Func<CommandCenterDbContext, AlertSource, string[], IAsyncEnumerable<SeenReport>>> _seenBefore = new(() => EF.CompileAsyncQuery(
        (CommandCenterDbContext db, AlertSource source, string[] externalIds) =>
            db.AlertReports.Where(r => r.Source == source && externalIds.Contains(r.ExternalId)).Select(r => new SeenReport(r.ExternalId, r.AlertId))));

    /// <summary>
    /// The open alerts of <paramref name="grids"/> × <paramref name="categories"/> last reported at or after
    /// <c>since</c>, untracked: seeks on the (grid, category, last reported) index.
    /// </summary>
    internal static IAsyncEnumerable<Alert> LatestOpenQuery(CommandCenterDbContext db, string[] grids, string[] categories, DateTimeOffset since) =>
        _latestOpen.For(db)(db, grids, categories, since);

    private static readonly CompiledPerModel<Func<CommandCenterDbContext, string[], string[], DateTimeOffset, IAsyncEnumerable<Alert>>> _latestOpen = new(() => EF.CompileAsyncQuery(
        (CommandCenterDbContext db, string[] grids, string[] categories, DateTimeOffset since) =>
            db.Alerts.AsNoTracking()
                .Where(a => grids.Contains(a.GridCode) && categories.Contains(a.CategoryCode) && a.LastReportedAt >= since)
                .Where(SubtreeQueries.IsOpen)));

    /// <summary>The batch report by report, each behind a savepoint: a report that fails is answered with its error and undone alone.</summary>
    private async Task<List<StoredReport>> StoreOneByOneAsync(CommandCenterDbContext db, IDbContextTransaction transaction, List<QueuedReport> batch)
    {
        var stored = new List<StoredReport>(batch.Count);
        foreach (var queued in batch)
        {
            await transaction.CreateSavepointAsync(ReportSavepoint);
            try
            {
                stored.AddRange(await StoreTogetherAsync(db, [queued]));
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

        return stored;
    }

    /// <summary>
    /// A report that is not a duplicate: merged into <paramref name="candidate"/> (the latest open alert of its grid and
    /// category) when that absorbs it, else raised as a new alert; its audit entry and report row join the batch's rows.
    /// </summary>
    private (IngestResult Result, AlertChanged Change) Ingest(
        BatchRows rows, NewAlertReport report, NodePath path, Actor actor, Alert? candidate, DateTimeOffset now, TimeSpan window)
    {
        IngestResult result;
        AlertChanged change;
        if (candidate is not null && candidate.Absorbs(path.GridCode!, report.CategoryCode, now, window))
        {
            var severity = candidate.Severity;
            candidate.MergeRepeat(report, now);
            rows.Audit.Add(AuditEntry.ForAlert(candidate, AuditAction.RepeatMerged, actor, now, $"Repeat #{candidate.RepeatCount}: {report.Source}/{report.ExternalId}"));
            if (candidate.Severity > severity)
            {
                // Its own entry, so whoever acts on severity (the duty officer's notification) reads it from the trail.
                rows.Audit.Add(AuditEntry.ForAlert(candidate, AuditAction.SeverityRaised, actor, now, $"{severity} → {candidate.Severity}"));
            }
            result = new IngestResult(IngestOutcome.Merged, candidate);
            change = AlertChanged.From(candidate, path.CityCode, AlertChange.RepeatMerged, candidate.State, now);
        }
        else
        {
            // The version in force now, not simply the newest: an administrator may have saved one that starts later.
            var policy = reference.PolicyAt(now);
            var alert = Alert.Raise(
                report, path, policy.Version, policy.IsLateReport(report.Severity, report.OccurredAt, now),
                policy.DeadlinesFor(report.CategoryCode, report.Severity, reference.Categories), Guid.CreateVersion7(now), now);
            rows.Alerts.Add(alert);
            rows.Audit.Add(AuditEntry.ForAlert(alert, AuditAction.Raised, actor, now, alert.IsLateReport ? "Late report (迟报)" : null));
            result = new IngestResult(IngestOutcome.Created, alert);
            change = AlertChanged.From(alert, path.CityCode, AlertChange.Raised, null, now);
        }

        rows.Reports.Add(new AlertReport
        {
            AlertId = result.Alert.Id,
            Source = report.Source,
            ExternalId = report.ExternalId,
            ReceivedAt = now,
            OccurredAt = report.OccurredAt,
            ReporterName = report.Reporter?.Name,
        });
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

    /// <summary>
    /// The rows a batch creates, inserted together inside its transaction once every report is decided: each new alert
    /// as the batch left it (a repeat later in the batch may have merged into it), and alerts before the reports that
    /// refer to them.
    /// </summary>
    private sealed class BatchRows
    {
        public List<Alert> Alerts { get; } = [];

        public List<AuditEntry> Audit { get; } = [];

        public List<AlertReport> Reports { get; } = [];

        /// <summary>Audit entries in the order the batch decided them, so several about one alert link in that order.</summary>
        public async Task WriteAsync(CommandCenterDbContext db)
        {
            await PreparedWrite<Alert>.InsertAllAsync(db, Alerts, CancellationToken.None);
            await AuditChains.InsertAsync(db, Audit, CancellationToken.None);
            await PreparedWrite<AlertReport>.InsertAllAsync(db, Reports, CancellationToken.None);
        }
    }

    private sealed record StoredReport(QueuedReport Queued, IngestResult Result, AlertChanged? Change);

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
