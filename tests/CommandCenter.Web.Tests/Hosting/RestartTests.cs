using System.Net;
using System.Net.Http.Json;
using CommandCenter.Testing;
using CommandCenter.Web.Api;
using CommandCenter.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Hosting;

public sealed class RestartTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Restart_OnTheSameDataDir_KeepsAlertsAndSeedsNothingTwice()
    {
        AlertDto created;
        using (var first = new CommandCenterApp(_dir.Path))
        {
            created = (await (await first.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("restart-1"))).Content.ReadFromJsonAsync<AlertDto>(CommandCenterApp.Json))!;
        }

        using var second = new CommandCenterApp(_dir.Path);
        var fetched = await (await second.CityReaderAsync()).GetFromJsonAsync<AlertDto>($"/api/v1/alerts/{created.Id}", CommandCenterApp.Json);
        var duplicate = await second.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("restart-1"));

        Assert.Equal(created, fetched);
        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        await using var db = second.NewDbContext();
        Assert.Equal(337, await db.Nodes.CountAsync());
        Assert.Equal(60, await db.Teams.CountAsync());
        Assert.Equal(1, await db.Policies.CountAsync());
        Assert.True(File.Exists(Path.Combine(_dir.Path, "commandcenter.db")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_dir.Path, "logs")));
    }

    [Fact]
    public void Start_WithABrokenSeed_FailsNamingTheBadGrid()
    {
        var seeds = _dir.CopySeeds();
        var cityFile = Path.Combine(seeds, "city.geojson");
        var badGrid = DemoCity.GridCode(2, 3, 4);
        var city = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(cityFile))!;
        var grid = city["features"]!.AsArray().Single(f => (string?)f!["properties"]!["code"] == badGrid)!;
        foreach (var point in grid["geometry"]!["coordinates"]![0]!.AsArray())
        {
            point![0] = (double)point[0]! + 0.01; // shove the grid east, out of its community
        }

        File.WriteAllText(cityFile, city.ToJsonString());

        var error = Assert.ThrowsAny<Exception>(() => new CommandCenterApp(Path.Combine(_dir.Path, "data"), settings: new Dictionary<string, string?> { ["SeedDir"] = seeds }));

        var message = error.ToString();
        Assert.Contains(badGrid, message, StringComparison.Ordinal);
        Assert.Contains("seed", message, StringComparison.OrdinalIgnoreCase);
    }
}
