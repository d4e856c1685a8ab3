using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Simulation;
using CommandCenter.Infrastructure.Tests.Workflow;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Tests.Simulation;

/// <summary>
/// The simulated staff share the store with real people: they pick up what is left open (after a restart), leave
/// alone what a real person holds, and lose a race to one without failing.
/// </summary>
public sealed class DemoCitySimulatorRealUserTests
{
    // Fixed for determinism: every run of these tests takes the same steps.
    private const int Seed = 20261127;

    private static readonly AuditAction[] WorkflowActions = [.. Enum.GetValues<AlertAction>().Select(AuditActions.Of)];

    [Fact]
    public async Task StepAsync_AfterARestart_WorksTheAlertsLeftOpenBeforeIt()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await Simulators.RunAsync(host, Simulators.Prepared(host, Seed), steps: 100);
        var leftOpen = await OpenAlertIdsAsync(host);
        var restartedAt = host.Now();

        // A new simulator knows none of the alerts the first one raised: it finds them in the store.
        await Simulators.RunAsync(host, Simulators.Prepared(host, Seed), steps: 100);

        await using var db = host.NewDbContext();
        var workedSince = await db.AuditEntries
            .Where(e => e.Subject == AuditSubject.Alert && WorkflowActions.Contains(e.Action) && e.At > restartedAt)
            .Select(e => e.SubjectId)
            .Distinct()
            .ToListAsync();
        var worked = leftOpen.Count(workedSince.Contains);
        Assert.True(worked > leftOpen.Count * 3 / 4, $"Only {worked} of the {leftOpen.Count} alerts left open at the restart were worked after it; expected most.");
    }

    [Fact]
    public async Task StepAsync_AlertAcknowledgedByARealUser_LeavesItToThem()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);

        await Simulators.RunAsync(host, Simulators.Prepared(host, Seed), steps: 120);

        await using var db = host.NewDbContext();
        var steps = await db.AuditEntries
            .Where(e => e.SubjectId == alertId.ToString() && WorkflowActions.Contains(e.Action))
            .Select(e => new { e.Action, e.Actor })
            .ToListAsync();
        Assert.Equal([new { Action = AuditAction.Acknowledge, Actor = Staff.TownStaff.DisplayName }], steps);
    }

    [Fact]
    public async Task StepAsync_RealUserTakesTheQueueBetweenTwoSimulatedMoves_DoesNotThrow()
    {
        using var dir = new TempDirectory();
        var feed = new ManualFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var race = await QueueARaceAsync(host, feed);

        var failure = await Record.ExceptionAsync(() => race.RunAsync(new RecordingLogger<DemoCitySimulator>()));

        Assert.Null(failure);
    }

    [Fact]
    public async Task StepAsync_RealUserTakesTheQueueBetweenTwoSimulatedMoves_SkipsTheRefusedMovesAtDebugLevel()
    {
        using var dir = new TempDirectory();
        var feed = new ManualFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var race = await QueueARaceAsync(host, feed);
        var logger = new RecordingLogger<DemoCitySimulator>();

        await race.RunAsync(logger);

        var skipped = logger.Entries.Where(e => e.Message.Contains("skipped", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(skipped);
        Assert.All(skipped, e => Assert.Equal(LogLevel.Debug, e.Level));
    }

    [Fact]
    public async Task StepAsync_RealUserTakesTheQueueBetweenTwoSimulatedMoves_LeavesTheirAlertsWithThem()
    {
        using var dir = new TempDirectory();
        var feed = new ManualFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var race = await QueueARaceAsync(host, feed);

        await race.RunAsync(new RecordingLogger<DemoCitySimulator>());

        await using var db = host.NewDbContext();
        var taken = (await db.AuditEntries
            .Where(e => e.Action == AuditAction.Acknowledge && e.Actor == Staff.CityDutyOfficer.DisplayName)
            .Select(e => e.SubjectId)
            .ToListAsync()).Select(Guid.Parse).ToList();
        var holders = await db.Alerts.Where(a => taken.Contains(a.Id)).Select(a => new { a.State, a.HandlerName }).ToListAsync();
        Assert.NotEmpty(holders);
        Assert.All(holders, a => Assert.Equal((AlertState.Acknowledged, Staff.CityDutyOfficer.DisplayName), (a.State, a.HandlerName)));
    }

    private static async Task<List<string>> OpenAlertIdsAsync(StoreHost host)
    {
        await using var db = host.NewDbContext();
        var ids = await db.Alerts.WhereOpen().Select(a => a.Id).ToListAsync();
        return [.. ids.Select(id => id.ToString())];
    }

    /// <summary>
    /// Ten hotline alerts, all due for acknowledging: the moment the simulator acknowledges the first, a real duty
    /// officer acknowledges every other reported alert, so the rest of the simulator's moves in that step are stale.
    /// </summary>
    private static async Task<Race> QueueARaceAsync(StoreHost host, ManualFeed feed)
    {
        for (var sequence = 1; sequence <= 10; sequence++)
        {
            await host.RaiseAsync(DemoCity.GridCode(0, 0, sequence), $"ext-{sequence}");
        }

        host.Time.Advance(TimeSpan.FromMinutes(4));
        return new Race(host, feed);
    }

    private sealed class Race(StoreHost host, ManualFeed feed)
    {
        private int _tookOver;

        /// <summary>Steps the simulator until the real user has taken over the queue (at most 100 steps).</summary>
        public async Task RunAsync(ILogger<DemoCitySimulator> logger)
        {
            using var subscription = feed.Subscribe((message, _) =>
            {
                if (message is AlertChanged { PreviousState: AlertState.Reported, HandlerName: { } name }
                    && name.EndsWith("（模拟）", StringComparison.Ordinal)
                    && Interlocked.Exchange(ref _tookOver, 1) == 0)
                {
                    // The feed hands the message over before the simulator's next move; Task.Run keeps the real
                    // user's awaits off the caller's synchronisation context.
                    Task.Run(TakeOverAsync).GetAwaiter().GetResult();
                }

                return ValueTask.CompletedTask;
            });

            var simulator = Simulators.Prepared(host, Seed, logger);
            Assert.True(await Simulators.RunUntilAsync(host, simulator, _ => Task.FromResult(Volatile.Read(ref _tookOver) == 1), maxSteps: 100),
                "The simulator acknowledged nothing in 100 steps, so the real user never took over.");
        }

        private async Task TakeOverAsync()
        {
            await using var db = host.NewDbContext();
            var reported = await db.Alerts.Where(a => a.State == AlertState.Reported).OrderBy(a => a.ReportedAt).Select(a => a.Id).ToListAsync();
            await host.Get<AlertWorkflowService>().AcknowledgeManyAsync(reported, Staff.CityDutyOfficer, "值班长统一签收");
        }
    }
}
