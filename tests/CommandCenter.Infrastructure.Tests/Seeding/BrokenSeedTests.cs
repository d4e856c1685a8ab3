using System.Text.Json.Nodes;
using CommandCenter.Core;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Seeding;

/// <summary>A broken seed must stop start-up, and the message must point at what to fix.</summary>
public sealed class BrokenSeedTests
{
    [Fact]
    public async Task StartAsync_GridShiftedOutOfItsCommunity_FailsNamingTheGrid()
    {
        using var dir = new TempDirectory();
        var seeds = dir.CopySeeds();
        var gridCode = DemoCity.GridCode(0, 0, 1);
        EditCity(seeds, city =>
        {
            foreach (var point in Grid(city, gridCode)["geometry"]!["coordinates"]![0]!.AsArray())
            {
                point![0] = point[0]!.GetValue<double>() - 0.001; // every point, so the ring stays closed
            }
        });

        var error = await Assert.ThrowsAsync<DomainRuleException>(() => StoreHost.StartAsync(dir.Path, seedDir: seeds));

        Assert.Contains(gridCode, error.Message);
    }

    [Fact]
    public async Task StartAsync_GridMissing_FailsNamingTheUncoveredCommunity()
    {
        using var dir = new TempDirectory();
        var seeds = dir.CopySeeds();
        var gridCode = DemoCity.GridCode(0, 0, 2);
        EditCity(seeds, city =>
        {
            var grid = Grid(city, gridCode);
            grid.Parent!.AsArray().Remove(grid);
        });

        var error = await Assert.ThrowsAsync<DomainRuleException>(() => StoreHost.StartAsync(dir.Path, seedDir: seeds));

        Assert.Contains($"Community {gridCode[..12]} ", error.Message);
        Assert.Contains("not fully covered", error.Message);
    }

    [Fact]
    public async Task StartAsync_TeamOnUnknownNode_FailsNamingTheTeamAndTheNode()
    {
        using var dir = new TempDirectory();
        var seeds = dir.CopySeeds();
        const string unknownNode = "330188001001099";
        Edit(seeds, "teams.json", root => root["teams"]![0]!["nodeCode"] = unknownNode);

        var error = await Assert.ThrowsAsync<DomainRuleException>(() => StoreHost.StartAsync(dir.Path, seedDir: seeds));

        Assert.Contains("TM-001", error.Message);
        Assert.Contains(unknownNode, error.Message);
    }

    [Fact]
    public async Task StartAsync_SeedFileMissing_FailsNamingTheFile()
    {
        using var dir = new TempDirectory();
        var seeds = dir.CopySeeds();
        File.Delete(Path.Combine(seeds, "policies.json"));

        var error = await Assert.ThrowsAsync<DomainRuleException>(() => StoreHost.StartAsync(dir.Path, seedDir: seeds));

        Assert.Contains("policies.json", error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public async Task StartAsync_SeedFileNotJson_FailsNamingTheFile()
    {
        using var dir = new TempDirectory();
        var seeds = dir.CopySeeds();
        await File.WriteAllTextAsync(Path.Combine(seeds, "categories.json"), "{ \"categories\": [");

        var error = await Assert.ThrowsAsync<DomainRuleException>(() => StoreHost.StartAsync(dir.Path, seedDir: seeds));

        Assert.Contains("categories.json", error.Message);
        Assert.Contains("not valid", error.Message);
    }

    private static void EditCity(string seeds, Action<JsonNode> edit) => Edit(seeds, "city.geojson", edit);

    private static void Edit(string seeds, string file, Action<JsonNode> edit)
    {
        var path = Path.Combine(seeds, file);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        edit(root);
        File.WriteAllText(path, root.ToJsonString());
    }

    /// <summary>The grid's feature in the demo city's GeoJSON.</summary>
    private static JsonNode Grid(JsonNode city, string code) =>
        city["features"]!.AsArray().Single(feature => feature!["properties"]!["code"]!.GetValue<string>() == code)!;
}
