using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Import;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Simulation;

/// <summary>A simulator left running while an administrator re-divides the city reports into the new map only.</summary>
public sealed class DemoCitySimulatorRedivisionTests
{
    [Fact]
    public async Task StepAsync_AfterARedivision_ReportsOnlyIntoGridsOfTheNewMap()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: new Dictionary<string, string?> { ["Demo:City"] = "false" });
        await ImportAsync(host, CityMaps.RiverCity);
        var simulator = Simulators.Prepared(host, seed: 7);
        await Simulators.RunAsync(host, simulator, 20);
        var redividedAt = host.Time.GetUtcNow();

        await ImportAsync(host, CityMaps.RiverCityV2);
        await Simulators.RunAsync(host, simulator, 150);

        var map = host.Get<ReferenceData>().Map;
        await using var db = host.NewDbContext();
        var grids = await db.Alerts.Where(a => a.ReportedAt > redividedAt).Select(a => a.GridCode).ToListAsync();
        Assert.NotEmpty(grids);
        Assert.All(grids, code => Assert.NotNull(map.Find(code)));
        Assert.All(simulator.Hotspots, hotspot => Assert.NotNull(map.Find(hotspot.Code)));
    }

    private static async Task ImportAsync(StoreHost host, string fixture)
    {
        await using var file = File.OpenRead(CityMaps.PathOf(fixture));
        var outcome = await host.Get<CityImporter>().ApplyAsync(file, fixture, new Actor("市管理员", "Admin@440399"));
        Assert.NotNull(outcome.Version);
    }
}
