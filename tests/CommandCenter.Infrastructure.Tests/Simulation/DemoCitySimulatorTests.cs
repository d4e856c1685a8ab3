using CommandCenter.Core.Audit;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Infrastructure.Simulation;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Simulation;

public sealed class DemoCitySimulatorTests
{
    // Fixed for determinism: every run of these tests takes the same steps.
    private const int Seed = 20261127;

    [Fact]
    public async Task ExecuteAsync_Enabled_RaisesAlertsThroughTheIngestionService()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var simulator = Simulators.New(host, new SimulatorOptions { Enabled = true, EventsPerMinute = 6000 });

        await simulator.StartAsync(CancellationToken.None);
        var raised = await RunUntilAsync(host, minimumAlerts: 5);
        await simulator.StopAsync(CancellationToken.None);

        Assert.True(raised, "The simulator raised fewer than 5 alerts in 200 simulated seconds.");
        Assert.False(simulator.ExecuteTask!.IsFaulted, simulator.ExecuteTask.Exception?.ToString());
        await using var db = host.NewDbContext();
        var raisedBy = await db.AuditEntries.Where(e => e.Subject == AuditSubject.Alert && e.Action == AuditAction.Raised).Select(e => e.Actor).ToListAsync();
        Assert.Equal(await db.Alerts.CountAsync(), raisedBy.Count);
        Assert.All(raisedBy, actor => Assert.Equal("simulator", actor));
        Assert.True(await db.AlertReports.CountAsync() >= raisedBy.Count);
    }

    [Fact]
    public async Task ExecuteAsync_Disabled_EndsAtOnceWithoutRaisingAnything()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var simulator = Simulators.New(host, new SimulatorOptions { Enabled = false, EventsPerMinute = 6000 });

        await simulator.StartAsync(CancellationToken.None);
        await simulator.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));
        host.Time.Advance(TimeSpan.FromMinutes(5));

        await using var db = host.NewDbContext();
        Assert.False(await db.Alerts.AnyAsync());
    }

    [Fact]
    public async Task StepAsync_EveryTeamOffDuty_DoesNotThrow()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await SendEveryTeamOffDutyAsync(host);
        var simulator = Simulators.Prepared(host, Seed);

        // A fifth of all steps are team steps, so 50 steps take several with no team to move.
        var failure = await Record.ExceptionAsync(() => Simulators.RunAsync(host, simulator, steps: 50));

        Assert.Null(failure);
    }

    [Fact]
    public async Task StepAsync_EveryTeamOffDuty_LeavesEveryTeamOffDuty()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await SendEveryTeamOffDutyAsync(host);
        var simulator = Simulators.Prepared(host, Seed);

        await Simulators.RunAsync(host, simulator, steps: 50);

        await using var db = host.NewDbContext();
        Assert.All(await db.Teams.Select(t => t.Status).ToListAsync(), status => Assert.Equal(TeamStatus.OffDuty, status));
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Subject == AuditSubject.Team && e.Actor == "simulator"));
    }

    [Fact]
    public async Task StepAsync_PetitionDefusedBySomeoneElse_OpensANewWarningOnALaterPetitionStep()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var simulator = Simulators.Prepared(host, Seed);
        Assert.True(await Simulators.RunUntilAsync(host, simulator, db => db.PetitionWarnings.AnyAsync(), maxSteps: 400),
            "The simulator opened no petition warning in 400 steps.");
        await DefuseTheOnlyWarningAsync(host);

        // The first petition step after the defusal notices it; a later one opens the next warning.
        var reopened = await Simulators.RunUntilAsync(host, simulator, async db => await db.PetitionWarnings.CountAsync() > 1, maxSteps: 400);

        Assert.True(reopened, "The simulator opened no new petition warning in 400 steps after its warning was defused.");
        await using var db = host.NewDbContext();
        var stages = await db.PetitionWarnings.OrderBy(w => w.ReportedAt).Select(w => w.Stage).ToListAsync();
        Assert.Equal([PetitionStage.Defused, PetitionStage.Brewing], stages);
    }

    [Fact]
    public async Task StepAsync_PetitionDefusedBySomeoneElse_AddsNoFollowUpToIt()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var simulator = Simulators.Prepared(host, Seed);
        Assert.True(await Simulators.RunUntilAsync(host, simulator, db => db.PetitionWarnings.AnyAsync(), maxSteps: 400),
            "The simulator opened no petition warning in 400 steps.");
        var defused = await DefuseTheOnlyWarningAsync(host);

        await Simulators.RunAsync(host, simulator, steps: 200);

        await using var db = host.NewDbContext();
        var followUp = Assert.Single(await db.PetitionFollowUps.Where(f => f.PetitionWarningId == defused).ToListAsync());
        Assert.Equal(Actors.Dispatcher.Name, followUp.ReporterName);
    }

    /// <summary>
    /// Moves fake time a second at a time, giving the simulator a moment of real time after each step, until the
    /// store holds <paramref name="minimumAlerts"/> alerts; false if 200 steps were not enough.
    /// </summary>
    private static async Task<bool> RunUntilAsync(StoreHost host, int minimumAlerts)
    {
        for (var step = 0; step < 200; step++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
            await using var db = host.NewDbContext();
            if (await db.Alerts.CountAsync() >= minimumAlerts)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task SendEveryTeamOffDutyAsync(StoreHost host)
    {
        await using var db = host.NewDbContext();
        foreach (var code in await db.Teams.Select(t => t.Code).ToListAsync())
        {
            // Every seeded team starts Available, from where going off duty is legal.
            await host.Get<TeamService>().ChangeStatusAsync(code, new TeamStatusReport(TeamStatus.OffDuty), Actors.Dispatcher);
        }
    }

    private static async Task<Guid> DefuseTheOnlyWarningAsync(StoreHost host)
    {
        await using var db = host.NewDbContext();
        var warning = await db.PetitionWarnings.SingleAsync();
        await host.Get<PetitionService>().AddFollowUpAsync(
            warning.Id, new NewFollowUp("经属地劝导，人员已散去。", PetitionStage.Defused, Reporter: new(Actors.Dispatcher.Name)), Actors.Dispatcher);
        return warning.Id;
    }
}
