using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Infrastructure.Simulation;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Tests.Simulation;

public sealed class DemoCitySimulatorTests
{
    [Fact]
    public async Task ExecuteAsync_Enabled_RaisesAlertsThroughTheIngestionService()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var simulator = NewSimulator(host, new SimulatorOptions { Enabled = true, EventsPerMinute = 6000 });

        await simulator.StartAsync(CancellationToken.None);
        var raised = await RunUntilAsync(host, minimumAlerts: 5);
        await simulator.StopAsync(CancellationToken.None);

        Assert.True(raised, "The simulator raised fewer than 5 alerts in 200 simulated seconds.");
        Assert.False(simulator.ExecuteTask!.IsFaulted, simulator.ExecuteTask.Exception?.ToString());
        await using var db = host.NewDbContext();
        var raisedBy = await db.AuditEntries.Where(e => e.Subject == AuditSubject.Alert && e.Action == "Raised").Select(e => e.Actor).ToListAsync();
        Assert.Equal(await db.Alerts.CountAsync(), raisedBy.Count);
        Assert.All(raisedBy, actor => Assert.Equal("simulator", actor));
        Assert.True(await db.AlertReports.CountAsync() >= raisedBy.Count);
    }

    [Fact]
    public async Task ExecuteAsync_Disabled_EndsAtOnceWithoutRaisingAnything()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var simulator = NewSimulator(host, new SimulatorOptions { Enabled = false, EventsPerMinute = 6000 });

        await simulator.StartAsync(CancellationToken.None);
        await simulator.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));
        host.Time.Advance(TimeSpan.FromMinutes(5));

        await using var db = host.NewDbContext();
        Assert.False(await db.Alerts.AnyAsync());
    }

    private static DemoCitySimulator NewSimulator(StoreHost host, SimulatorOptions options) => new(
        host.Get<AlertIngestionService>(),
        host.Get<PetitionService>(),
        host.Get<TeamService>(),
        host.Get<IDbContextFactory<CommandCenterDbContext>>(),
        host.Get<ReferenceData>(),
        host.Time,
        Options.Create(options),
        NullLogger<DemoCitySimulator>.Instance);

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
}
