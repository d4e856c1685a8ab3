using CommandCenter.Core.Hierarchy;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Simulation;

/// <summary>
/// One simulated stretch of a morning — 400 steps, 3 s of fake time apart (20 minutes, inside one merge window) —
/// run once and shared by the tests that read what it left in the store (the <see cref="Collection"/> collection).
/// </summary>
public sealed class SimulatedMorning : IAsyncLifetime
{
    public const string Collection = "Simulated morning";

    // Fixed for determinism: with this seed the run holds a storm, several petitions, team deployments, and alerts
    // acknowledged on time and late, voided, sent back and closed.
    public const int Seed = 20261128;

    private const int Steps = 400;

    private readonly TempDirectory _dir = new();

    public StoreHost Host { get; private set; } = null!;

    public IReadOnlyList<AdminNode> Hotspots { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Host = await StoreHost.StartAsync(_dir.Path);
        var simulator = Simulators.Prepared(Host, Seed);
        Hotspots = simulator.Hotspots;
        await Simulators.RunAsync(Host, simulator, Steps);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>Runs the morning once for every test class that reads it, rather than once per class.</summary>
[CollectionDefinition(SimulatedMorning.Collection)]
public sealed class SimulatedMorningCollection : ICollectionFixture<SimulatedMorning>;
