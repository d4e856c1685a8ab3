using System.Data.Common;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>
/// <see cref="EscalationService.EscalateDueAsync"/> when more alerts are due than one batch holds (after downtime):
/// batches are read and written under the store's write lock with prepared statements, and must still store exactly
/// what the domain method decides, publish in deadline order only after commit, escalate each alert once when two runs
/// overlap, and never lose a staff action made while a run is going on.
/// </summary>
public sealed class EscalationStormTests
{
    /// <summary>Small batches, so a handful of alerts spans several of them.</summary>
    private const int Batch = 3;

    private static readonly TimeSpan _late = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task EscalateDueAsync_MoreDueThanOneBatch_EscalatesEachOnceWithOneAuditEntryAndOneMessage()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertIds = await SeedOverdueAsync(host, [1, 2, 3, 4, 5, 6, 7]);

        var escalated = await Service(host, feed).EscalateDueAsync();

        Assert.Equal(7, escalated);
        await using var db = host.NewDbContext();
        Assert.All(await db.Alerts.ToListAsync(), a => Assert.Equal((1, true), (a.EscalationLevel, a.IsOverdue)));
        Assert.Equal(
            alertIds.Select(id => id.ToString()).Order(),
            (await db.AuditEntries.ExceptSetUp().Where(e => e.Action == AuditAction.Escalated).Select(e => e.SubjectId).ToListAsync()).Order());
        Assert.Equal(alertIds.Order(), feed.Published.OfType<AlertChanged>().Select(m => m.AlertId).Order());
    }

    [Fact]
    public async Task EscalateDueAsync_SeveralBatches_ChainEachEscalationOntoItsAlertsTrail()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertIds = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            alertIds.Add(await host.RaiseAsync(Staff.DemoGrid(1 + i), $"storm-{i}"));
        }

        await host.ApplyAsync(alertIds[0], AlertAction.Acknowledge, Staff.TownStaff);
        host.Time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(7, await Service(host, feed).EscalateDueAsync());

        await using var db = host.NewDbContext();
        foreach (var id in alertIds)
        {
            var trail = await db.AuditEntries.AsNoTracking().Where(e => e.SubjectId == id.ToString()).OrderBy(e => e.Id).ToListAsync();
            Assert.Equal(AuditAction.Escalated, trail[^1].Action);
            Audit.AuditTrailTests.AssertLinked(trail);
        }

        Assert.True((await host.Get<Infrastructure.Audit.AuditTrailVerifier>().VerifyAsync(Infrastructure.Audit.AuditCheckVia.CommandLine, "test"))!.Intact);
    }

    [Fact]
    public async Task EscalateDueAsync_SeveralBatches_PublishesInDeadlineOrder()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        await SeedOverdueAsync(host, [5, 1, 7, 3, 2, 6, 4]); // stored out of deadline order

        await Service(host, feed).EscalateDueAsync();

        var deadlines = feed.Published.OfType<AlertChanged>().Select(m => m.StageDeadline!.Value).ToList();
        Assert.Equal(7, deadlines.Count);
        Assert.Equal(deadlines.Order(), deadlines);
    }

    [Fact]
    public async Task EscalateDueAsync_SeveralBatches_PublishesEachChangeOnlyOnceItIsCommitted()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await SeedOverdueAsync(host, [1, 2, 3, 4, 5, 6, 7]);
        var feed = new StoreCheckingFeed(host);

        await Service(host, feed).EscalateDueAsync();

        Assert.Equal(7, feed.Seen.Count);
        Assert.All(feed.Seen, seen => Assert.True(seen.Committed, $"Alert {seen.AlertId} was published before its escalation was committed."));
    }

    [Fact]
    public async Task EscalateDueAsync_TwoRunsAtOnceOverSeveralBatches_EscalateEachAlertExactlyOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertIds = await SeedOverdueAsync(host, [.. Enumerable.Range(1, 20)]);
        EscalationService[] runs = [Service(host, feed), Service(host, feed)];

        var counts = await AtOnce.RunAsync(runs.Length, i => runs[i].EscalateDueAsync());

        Assert.Equal(20, counts.Sum());
        await using var db = host.NewDbContext();
        var audited = await db.AuditEntries.ExceptSetUp().Where(e => e.Action == AuditAction.Escalated).GroupBy(e => e.SubjectId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(Enumerable.Repeat(1, 20), audited);
        Assert.All(await db.Alerts.ToListAsync(), a => Assert.Equal((1, 2L), (a.EscalationLevel, a.Version)));
        Assert.Equal(alertIds.Order(), feed.Published.OfType<AlertChanged>().Select(m => m.AlertId).Order());
    }

    /// <summary>
    /// The rows are written column by column (<see cref="EscalationService.EscalatedColumns"/>), not by
    /// <c>SaveChanges</c>: at every rung, below the top and at it, every stored property must equal what
    /// <see cref="Alert.EscalateIfOverdue"/> makes of the alert as it was read.
    /// </summary>
    [Fact]
    public async Task EscalateDueAsync_AtEveryRung_StoresExactlyWhatTheDomainMethodDecides()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        var service = Service(host, new RecordingFeed());
        var levels = new List<int>();

        await MissTheStageDeadlineAndCompareAsync(host, service, levels);
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);
        await MissTheStageDeadlineAndCompareAsync(host, service, levels);
        await host.ApplyAsync(alertId, AlertAction.Dispatch, Staff.TownStaff);
        await MissTheStageDeadlineAndCompareAsync(host, service, levels);
        await host.ApplyAsync(alertId, AlertAction.StartHandling, Staff.TownStaff);
        await host.ApplyAsync(alertId, AlertAction.Resolve, Staff.TownStaff, "车辆已找回");
        await MissTheStageDeadlineAndCompareAsync(host, service, levels);

        Assert.Equal([1, 2, 3, 3], levels);
    }

    /// <summary>
    /// A staff action that reaches the store while a batch holds the write lock waits for it; it then finds the alert
    /// changed (the optimistic check) and is told so instead of overwriting the escalation, and the retry keeps both.
    /// </summary>
    [Fact]
    public async Task EscalateDueAsync_StaffActsWhileABatchHoldsTheLock_NeitherChangeIsLost()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertId = await host.RaiseAsync();
        host.Time.Advance(host.TheftDeadlines().Acknowledge + _late);
        Task<Alert?>? staff = null;
        var staffDoneUnderTheLock = false;
        var hook = new TransactionHook(started: () =>
        {
            staff = Task.Run(() => host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff));
            staffDoneUnderTheLock = staff.Wait(TimeSpan.FromMilliseconds(500));
        });

        var escalated = await Service(host, feed, hook).EscalateDueAsync();
        var first = await Record.ExceptionAsync(() => staff!);
        if (first is not null)
        {
            Assert.IsType<AlertConflictException>(first);
            await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);
        }

        Assert.False(staffDoneUnderTheLock);
        Assert.Equal(1, escalated);
        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync();
        Assert.Equal((AlertState.Acknowledged, "陈静", 1, 3L), (stored.State, stored.HandlerName, stored.EscalationLevel, stored.Version));
        Assert.Equal([AuditAction.Acknowledge, AuditAction.Escalated], (await db.AuditEntries.ExceptSetUp().Where(e => e.Action != AuditAction.Raised).Select(e => e.Action).ToListAsync()).Order());
    }

    /// <summary>
    /// A staff action committed after the run's first look but before its batch is read is seen by the batch: the
    /// alert acknowledged meanwhile is in a new stage, so nothing is escalated and the acknowledgement stays.
    /// </summary>
    [Fact]
    public async Task EscalateDueAsync_StaffActsAfterTheLookBeforeTheBatch_TheActionIsKept()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertId = await host.RaiseAsync();
        host.Time.Advance(host.TheftDeadlines().Acknowledge + _late);
        var hook = new TransactionHook(starting: () => host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff).GetAwaiter().GetResult());

        var escalated = await Service(host, feed, hook).EscalateDueAsync();

        Assert.Equal(0, escalated);
        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync();
        Assert.Equal((AlertState.Acknowledged, 0, false), (stored.State, stored.EscalationLevel, stored.IsOverdue));
        Assert.False(await db.AuditEntries.ExceptSetUp().AnyAsync(e => e.Action == AuditAction.Escalated));
        Assert.DoesNotContain(feed.Published.OfType<AlertChanged>(), m => m.Change == AlertChange.Escalated);
    }

    private static EscalationService Service(StoreHost host, ILiveFeed feed, TransactionHook? hook = null) =>
        new(hook is null ? host.Get<IDbContextFactory<CommandCenterDbContext>>() : new HookedContexts(host, hook),
            host.Get<ReferenceData>(), feed, host.Time, NullLogger<EscalationService>.Instance)
        {
            BatchSize = Batch,
        };

    /// <summary>Stores alerts past their acknowledge deadline by the given minutes, in the order given; returns their ids.</summary>
    private static async Task<List<Guid>> SeedOverdueAsync(StoreHost host, int[] minutesOverdue)
    {
        var reference = host.Get<ReferenceData>();
        var alerts = minutesOverdue
            .Select((m, i) => OverdueAlerts.Replay(reference, DemoCity.GridCode(i % 6, 0, 1), rungs: 0, TimeSpan.FromMinutes(m), host.Now()))
            .ToList();
        await using var db = host.NewDbContext();
        db.Alerts.AddRange(alerts);
        await db.SaveChangesAsync();
        return [.. alerts.Select(a => a.Id)];
    }

    /// <summary>
    /// Lets the current stage's deadline pass, works out with the domain method what the alert should become, runs
    /// the escalation and compares every mapped property of the stored alert with that; notes the rung.
    /// </summary>
    private static async Task MissTheStageDeadlineAndCompareAsync(StoreHost host, EscalationService service, List<int> levels)
    {
        await using var db = host.NewDbContext();
        var deadline = (await db.Alerts.AsNoTracking().SingleAsync()).StageDeadline!.Value;
        host.Time.Advance(deadline - host.Time.GetUtcNow() + _late);
        var expected = await db.Alerts.AsNoTracking().SingleAsync();
        Assert.True(expected.EscalateIfOverdue(host.Now(), host.Get<ReferenceData>().Policy(expected.PolicyVersion).Ladder.Count - 1));

        Assert.Equal(1, await service.EscalateDueAsync());

        var stored = await db.Alerts.AsNoTracking().SingleAsync();
        Assert.Equal(Properties(db, expected), Properties(db, stored));
        levels.Add(stored.EscalationLevel);
    }

    private static Dictionary<string, object?> Properties(DbContext db, Alert alert) =>
        db.Model.FindEntityType(typeof(Alert))!.GetProperties().ToDictionary(p => p.Name, p => p.GetGetter().GetClrValueUsingContainingEntity(alert));

    /// <summary>Runs test code when the escalation's write transaction is about to start, or once it holds the lock.</summary>
    private sealed class TransactionHook(Action? starting = null, Action? started = null) : DbTransactionInterceptor
    {
        public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            starting?.Invoke();
            return ValueTask.FromResult(result);
        }

        public override ValueTask<DbTransaction> TransactionStartedAsync(
            DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        {
            started?.Invoke();
            return ValueTask.FromResult(result);
        }
    }

    /// <summary>The store's contexts with <paramref name="hook"/> added, for the escalation service alone.</summary>
    private sealed class HookedContexts(StoreHost host, TransactionHook hook) : IDbContextFactory<CommandCenterDbContext>
    {
        private readonly DbContextOptions<CommandCenterDbContext> _options = Options(host, hook);

        public CommandCenterDbContext CreateDbContext() => new(_options);

        private static DbContextOptions<CommandCenterDbContext> Options(StoreHost host, TransactionHook hook)
        {
            var options = new DbContextOptionsBuilder<CommandCenterDbContext>();
            options.UseStore(host.Get<IOptions<StoreOptions>>().Value).AddInterceptors(hook);
            return options.Options;
        }
    }

    /// <summary>Looks in the store, from another connection, whether each published escalation is already there.</summary>
    private sealed class StoreCheckingFeed(StoreHost host) : ILiveFeed
    {
        public List<(Guid AlertId, bool Committed)> Seen { get; } = [];

        public void Publish(FeedMessage message)
        {
            if (message is AlertChanged { Change: AlertChange.Escalated } change)
            {
                using var db = host.NewDbContext();
                var stored = db.Alerts.AsNoTracking().Single(a => a.Id == change.AlertId);
                Seen.Add((change.AlertId, stored.Version == change.Version && stored.EscalatedDeadline == change.StageDeadline));
            }
        }

        public IDisposable Subscribe(Func<FeedMessage, CancellationToken, ValueTask> receiver) =>
            throw new NotSupportedException("This feed only checks what is published.");
    }
}
