using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommandCenter.Infrastructure.Tests.Alerts;

/// <summary>
/// Reports that arrive while a batch is being stored wait and go together in the next write transaction. Each test holds
/// the first batch at its start (its DbContext is not handed out until released), queues reports behind it, then lets go.
/// </summary>
public sealed class AlertGroupCommitTests
{
    [Fact]
    public async Task IngestAsync_ReportsQueuedBehindABatch_AreStoredTogetherInOneTransaction()
    {
        using var dir = new TempDirectory();
        var contexts = new HeldContexts();
        await using var host = await StartAsync(dir.Path, contexts);
        var service = host.Get<AlertIngestionService>();

        var first = service.IngestAsync(Report(0), Actors.Hotline);
        var queued = Enumerable.Range(1, 30).Select(i => service.IngestAsync(Report(i), Actors.Hotline)).ToArray();
        contexts.Release();
        var results = await Task.WhenAll([first, .. queued]);

        Assert.All(results, r => Assert.Equal(IngestOutcome.Created, r.Outcome));
        Assert.Equal(2, contexts.Created);
        await using var db = host.NewDbContext();
        Assert.Equal((31, 31, 31), (await db.Alerts.CountAsync(), await db.AlertReports.CountAsync(), await db.AuditEntries.ExceptSetUp().CountAsync()));
    }

    [Fact]
    public async Task IngestAsync_TheCallerWhoWrote_IsAnsweredWithoutWaitingForTheBatchesQueuedBehindIt()
    {
        using var dir = new TempDirectory();
        var contexts = new HeldContexts();
        await using var host = await StartAsync(dir.Path, contexts);
        var service = host.Get<AlertIngestionService>();

        var first = service.IngestAsync(Report(0), Actors.Hotline);
        var queued = Enumerable.Range(1, 10).Select(i => service.IngestAsync(Report(i), Actors.Hotline)).ToArray();
        contexts.ReleaseAndHoldNext();

        Assert.Equal(IngestOutcome.Created, (await first.WaitAsync(TimeSpan.FromSeconds(10))).Outcome);
        Assert.DoesNotContain(queued, task => task.IsCompleted);
        contexts.Release();
        Assert.All(await Task.WhenAll(queued), r => Assert.Equal(IngestOutcome.Created, r.Outcome));
        Assert.Equal(2, contexts.Created);
    }

    [Fact]
    public async Task IngestAsync_MoreQueuedThanOneBatchTakes_SplitsThemIntoBatchesOfAtMostTheMaximum()
    {
        using var dir = new TempDirectory();
        var contexts = new HeldContexts();
        await using var host = await StartAsync(dir.Path, contexts);
        var service = host.Get<AlertIngestionService>();

        var first = service.IngestAsync(Report(0), Actors.Hotline);
        var queued = Enumerable.Range(1, AlertIngestionService.MaxBatch + 1).Select(i => service.IngestAsync(Report(i), Actors.Hotline)).ToArray();
        contexts.Release();
        await Task.WhenAll([first, .. queued]);

        Assert.Equal(3, contexts.Created);
        await using var db = host.NewDbContext();
        Assert.Equal(AlertIngestionService.MaxBatch + 2, await db.Alerts.CountAsync());
    }

    [Fact]
    public async Task IngestAsync_RepeatsInTheSameBatch_SeeEachOther()
    {
        using var dir = new TempDirectory();
        var contexts = new HeldContexts();
        await using var host = await StartAsync(dir.Path, contexts);
        var service = host.Get<AlertIngestionService>();

        var first = service.IngestAsync(Report(0), Actors.Hotline);
        var sameThing = Enumerable.Range(1, 5).Select(i => service.IngestAsync(Report(i, grid: Grid), Actors.Hotline)).ToArray();
        var sameReportAgain = service.IngestAsync(Report(1, grid: Grid), Actors.Hotline);
        contexts.Release();
        await first;
        var outcomes = (await Task.WhenAll(sameThing)).Select(r => r.Outcome).ToArray();

        Assert.Equal([IngestOutcome.Created, IngestOutcome.Merged, IngestOutcome.Merged, IngestOutcome.Merged, IngestOutcome.Merged], outcomes);
        Assert.Equal(IngestOutcome.Duplicate, (await sameReportAgain).Outcome);
        await using var db = host.NewDbContext();
        Assert.Equal(4, (await db.Alerts.SingleAsync(a => a.GridCode == Grid)).RepeatCount);
    }

    [Fact]
    public async Task IngestAsync_RaisedAndRepeatsInTheSameBatch_ChainTheirAuditEntriesInQueueOrder()
    {
        using var dir = new TempDirectory();
        var contexts = new HeldContexts();
        await using var host = await StartAsync(dir.Path, contexts);
        var service = host.Get<AlertIngestionService>();

        var first = service.IngestAsync(Report(0), Actors.Hotline);
        var sameThing = Enumerable.Range(1, 4).Select(i => service.IngestAsync(Report(i, grid: Grid), Actors.Hotline)).ToArray();
        contexts.Release();
        await first;
        var alertId = (await Task.WhenAll(sameThing))[0].Alert.Id;

        await using var db = host.NewDbContext();
        var trail = await db.AuditEntries.AsNoTracking().Where(e => e.SubjectId == alertId.ToString()).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([AuditAction.Raised, AuditAction.RepeatMerged, AuditAction.RepeatMerged, AuditAction.RepeatMerged], trail.Select(e => e.Action));
        Audit.AuditTrailTests.AssertLinked(trail);
        Assert.True((await host.Get<Infrastructure.Audit.AuditTrailVerifier>().VerifyAsync(Infrastructure.Audit.AuditCheckVia.CommandLine, "test"))!.Intact);
    }

    [Fact]
    public async Task IngestAsync_ABatch_MergesIntoAndDeduplicatesAgainstWhatWasStoredBefore()
    {
        using var dir = new TempDirectory();
        var contexts = new HeldContexts();
        await using var host = await StartAsync(dir.Path, contexts);
        var service = host.Get<AlertIngestionService>();
        contexts.Release();
        var before = await service.IngestAsync(Report(1, grid: Grid), Actors.Hotline);
        host.Time.Advance(TimeSpan.FromMinutes(1));

        contexts.Hold();
        var first = service.IngestAsync(Report(0), Actors.Hotline);
        var sameReportAgain = service.IngestAsync(Report(1, grid: Grid), Actors.Hotline);
        var repeat = service.IngestAsync(Report(2, grid: Grid), Actors.Hotline);
        var sameReportAsTheRepeat = service.IngestAsync(Report(2, grid: Grid), Actors.Hotline);
        contexts.Release();
        await first;

        Assert.Equal((IngestOutcome.Duplicate, before.Alert.Id), ((await sameReportAgain).Outcome, (await sameReportAgain).Alert.Id));
        Assert.Equal((IngestOutcome.Merged, before.Alert.Id), ((await repeat).Outcome, (await repeat).Alert.Id));
        Assert.Equal((IngestOutcome.Duplicate, before.Alert.Id), ((await sameReportAsTheRepeat).Outcome, (await sameReportAsTheRepeat).Alert.Id));
        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync(a => a.GridCode == Grid);
        Assert.Equal((1, StoreHost.Start.AddMinutes(1)), (stored.RepeatCount, stored.LastReportedAt));
        Assert.Equal(3, await db.AlertReports.CountAsync());
    }

    [Fact]
    public async Task IngestAsync_OneReportFailsInsideABatch_FailsAloneAndTheRestAreStoredAndAnnounced()
    {
        using var dir = new TempDirectory();
        var contexts = new HeldContexts();
        var feed = new RecordingFeed();
        await using var host = await StartAsync(dir.Path, contexts, feed);
        await PoisonReportAsync(host, "gc-5");

        var service = host.Get<AlertIngestionService>();
        var first = service.IngestAsync(Report(0), Actors.Hotline);
        var queued = Enumerable.Range(1, 9).Select(i => service.IngestAsync(Report(i), Actors.Hotline)).ToArray();
        contexts.Release();
        await first;

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => queued[4]);
        Assert.Contains("poisoned report", error.InnerException?.Message);
        Assert.All(queued.Where((_, i) => i != 4), task => Assert.Equal(IngestOutcome.Created, task.Result.Outcome));
        Assert.Equal(2, contexts.Created);
        await using var check = host.NewDbContext();
        var externalIds = await check.AlertReports.OrderBy(r => r.Id).Select(r => r.ExternalId).ToListAsync();
        Assert.Equal(["gc-0", "gc-1", "gc-2", "gc-3", "gc-4", "gc-6", "gc-7", "gc-8", "gc-9"], externalIds);
        Assert.Equal(9, await check.Alerts.CountAsync());
        Assert.Equal(9, await check.AuditEntries.ExceptSetUp().CountAsync());
        Assert.Equal(9, feed.Published.OfType<AlertChanged>().Count());
    }

    [Fact]
    public async Task IngestAsync_ABatchMergingIntoAStoredAlertFails_IsStoredAgainFromWhatIsStoredNotFromTheFailedAttempt()
    {
        using var dir = new TempDirectory();
        var contexts = new HeldContexts();
        await using var host = await StartAsync(dir.Path, contexts);
        var service = host.Get<AlertIngestionService>();
        contexts.Release();
        var before = await service.IngestAsync(Report(1, grid: Grid), Actors.Hotline);
        await PoisonReportAsync(host, "gc-3");

        host.Time.Advance(TimeSpan.FromMinutes(1));
        contexts.Hold();
        var first = service.IngestAsync(Report(0), Actors.Hotline);
        var repeat = service.IngestAsync(Report(2, grid: Grid), Actors.Hotline);
        var poisoned = service.IngestAsync(Report(3, grid: Grid), Actors.Hotline);
        var anotherRepeat = service.IngestAsync(Report(4, grid: Grid), Actors.Hotline);
        var repeatSentAgain = service.IngestAsync(Report(2, grid: Grid), Actors.Hotline);
        contexts.Release();
        await first;

        await Assert.ThrowsAsync<DbUpdateException>(() => poisoned);
        Assert.Equal(IngestOutcome.Merged, (await repeat).Outcome);
        Assert.Equal(IngestOutcome.Merged, (await anotherRepeat).Outcome);
        Assert.Equal((IngestOutcome.Duplicate, before.Alert.Id), ((await repeatSentAgain).Outcome, (await repeatSentAgain).Alert.Id));
        await using var check = host.NewDbContext();
        var stored = await check.Alerts.SingleAsync(a => a.GridCode == Grid);
        Assert.Equal((2, before.Alert.Version + 2), (stored.RepeatCount, stored.Version));
        Assert.Equal(["gc-0", "gc-1", "gc-2", "gc-4"], (await check.AlertReports.Select(r => r.ExternalId).ToListAsync()).Order());
        Assert.Equal(2, await check.AuditEntries.ExceptSetUp().CountAsync(e => e.SubjectId == before.Alert.Id.ToString() && e.Action == AuditAction.RepeatMerged));
    }

    [Fact]
    public async Task IngestAsync_ABatch_AnnouncesItsAlertsInTheOrderTheyQueued()
    {
        using var dir = new TempDirectory();
        var contexts = new HeldContexts();
        var feed = new RecordingFeed();
        await using var host = await StartAsync(dir.Path, contexts, feed);
        var service = host.Get<AlertIngestionService>();

        var all = Enumerable.Range(0, 20).Select(i => service.IngestAsync(Report(i), Actors.Hotline)).ToArray();
        contexts.Release();
        var results = await Task.WhenAll(all);

        Assert.Equal(results.Select(r => r.Alert.Id), feed.Published.OfType<AlertChanged>().Select(c => c.AlertId));
    }

    [Fact]
    public async Task IngestAsync_CallerGivesUpWhileQueued_ItsReportIsNotStored()
    {
        using var dir = new TempDirectory();
        var contexts = new HeldContexts();
        await using var host = await StartAsync(dir.Path, contexts);
        var service = host.Get<AlertIngestionService>();
        using var giveUp = new CancellationTokenSource();

        var first = service.IngestAsync(Report(0), Actors.Hotline);
        var abandoned = service.IngestAsync(Report(1), Actors.Hotline, giveUp.Token);
        var kept = service.IngestAsync(Report(2), Actors.Hotline);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        contexts.Release();
        await Task.WhenAll(first, kept);

        await using var db = host.NewDbContext();
        Assert.Equal(["gc-0", "gc-2"], await db.AlertReports.OrderBy(r => r.Id).Select(r => r.ExternalId).ToListAsync());
    }

    private static readonly string Grid = DemoCity.GridCode(2, 1, 1);

    /// <summary>Report <paramref name="i"/>: its own external id, and (unless a grid is given) its own grid so nothing merges.</summary>
    /// <summary>
    /// A failure of the store itself for one report's row, as a constraint or trigger would raise it. (A trigger
    /// cannot take parameters; the id is one of this class's own.)
    /// </summary>
    private static async Task PoisonReportAsync(StoreHost host, string externalId)
    {
        Assert.Matches("^gc-[0-9]+$", externalId);
        await using var db = host.NewDbContext();
        if (db.Database.IsNpgsql())
        {
            var function = "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW.\"ExternalId\" = '" + externalId + "' "
                + "THEN RAISE EXCEPTION 'poisoned report'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql";
            await db.Database.ExecuteSqlRawAsync(function);
            await db.Database.ExecuteSqlRawAsync("CREATE TRIGGER poison BEFORE INSERT ON \"AlertReports\" FOR EACH ROW EXECUTE FUNCTION poison()");
            return;
        }

        var sql = "CREATE TRIGGER poison BEFORE INSERT ON AlertReports WHEN NEW.ExternalId = '" + externalId + "' "
            + "BEGIN SELECT RAISE(ABORT, 'poisoned report'); END;";
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    private static NewAlertReport Report(int i, string? grid = null) =>
        Reports.InGrid(grid ?? DemoCity.GridCode(i / 50 % 6, i / 10 % 5, 1 + i % 10), externalId: $"gc-{i}");

    private static async Task<StoreHost> StartAsync(string dataDir, HeldContexts contexts, RecordingFeed? feed = null)
    {
        var host = await StoreHost.StartAsync(dataDir, feed: feed, configure: services =>
            services.Replace(ServiceDescriptor.Singleton<IDbContextFactory<CommandCenterDbContext>>(provider =>
                contexts.Wrap(provider.GetRequiredService<DbContextOptions<CommandCenterDbContext>>()))));
        contexts.Arm();
        return host;
    }

    /// <summary>
    /// Hands out DbContexts, counting them once armed; when held, the next one waits until <see cref="Release"/>. The
    /// store's start-up (migrations, seeding) runs before arming and is neither held nor counted.
    /// </summary>
    private sealed class HeldContexts
    {
        private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _created;
        private int _holdNext;
        private bool _counting;

        public int Created => _created;

        /// <summary>Counting begins, and the first context is held.</summary>
        public void Arm()
        {
            _counting = true;
            Hold();
        }

        /// <summary>The next context handed out waits until <see cref="Release"/>.</summary>
        public void Hold()
        {
            _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _holdNext = 1;
        }

        public void Release() => _released.TrySetResult();

        /// <summary>Lets the held context go and holds the next one.</summary>
        public void ReleaseAndHoldNext()
        {
            var held = _released;
            Hold();
            held.TrySetResult();
        }

        public IDbContextFactory<CommandCenterDbContext> Wrap(DbContextOptions<CommandCenterDbContext> options) => new Factory(this, options);

        /// <summary>Pooled, as the product's factory is: a batch that failed hands its context back for the next one.</summary>
        private sealed class Factory(HeldContexts held, DbContextOptions<CommandCenterDbContext> options) : IDbContextFactory<CommandCenterDbContext>
        {
            private readonly PooledDbContextFactory<CommandCenterDbContext> _pool = new(options);

            public CommandCenterDbContext CreateDbContext() => _pool.CreateDbContext();

            public async Task<CommandCenterDbContext> CreateDbContextAsync(CancellationToken ct = default)
            {
                if (held._counting)
                {
                    Interlocked.Increment(ref held._created);
                    if (Interlocked.Exchange(ref held._holdNext, 0) == 1)
                    {
                        await held._released.Task;
                    }
                }

                return _pool.CreateDbContext();
            }
        }
    }
}
