using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Infrastructure.Simulation;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Tests.Simulation;

/// <summary>Builds a simulator on a host's services and drives it one step at a time on the host's fake clock.</summary>
internal static class Simulators
{
    /// <summary>The gap of fake time before each step: near the simulator's default mean gap of 2 s.</summary>
    public static readonly TimeSpan StepGap = TimeSpan.FromSeconds(3);

    public static DemoCitySimulator New(StoreHost host, SimulatorOptions options, ILogger<DemoCitySimulator>? logger = null) => new(
        host.Get<AlertIngestionService>(),
        host.Get<PetitionService>(),
        host.Get<TeamService>(),
        host.Get<AlertWorkflowService>(),
        host.Get<DispatchService>(),
        host.Get<IDbContextFactory<CommandCenterDbContext>>(),
        host.Get<ReferenceData>(),
        host.Time,
        Options.Create(options),
        logger ?? NullLogger<DemoCitySimulator>.Instance);

    /// <summary>A simulator with its hotspots, categories and staff picked, ready for <see cref="RunAsync"/>.</summary>
    public static DemoCitySimulator Prepared(StoreHost host, int seed, ILogger<DemoCitySimulator>? logger = null)
    {
        var simulator = New(host, new SimulatorOptions { Seed = seed }, logger);
        simulator.Prepare();
        return simulator;
    }

    /// <summary>Takes <paramref name="steps"/> steps, <see cref="StepGap"/> of fake time apart.</summary>
    public static async Task RunAsync(StoreHost host, DemoCitySimulator simulator, int steps)
    {
        for (var step = 0; step < steps; step++)
        {
            host.Time.Advance(StepGap);
            await simulator.StepAsync(CancellationToken.None);
        }
    }

    /// <summary>Steps until <paramref name="done"/> holds for the store; false if <paramref name="maxSteps"/> were not enough.</summary>
    public static async Task<bool> RunUntilAsync(StoreHost host, DemoCitySimulator simulator, Func<CommandCenterDbContext, Task<bool>> done, int maxSteps)
    {
        for (var step = 0; step < maxSteps; step++)
        {
            host.Time.Advance(StepGap);
            await simulator.StepAsync(CancellationToken.None);
            await using var db = host.NewDbContext();
            if (await done(db))
            {
                return true;
            }
        }

        return false;
    }
}
