using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using CommandCenter.Web.Wall;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>
/// The city wall of a 12,000-grid city (seeds/tools/generate_seeds.py at 30 × 20 × 20) in a real browser: the map
/// draws the 600 communities, the page stays within 5,000 elements, and a grid that heats up shows as a hotspot.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LargeCityBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private const int WallElementGoal = 5_000;

    private static readonly string[] Categories = ["0101", "0102", "0201", "0202", "0301", "0302", "0401"];

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["SeedDir"] = GeneratedCity.SeedDir(CitySize.Large),
    };

    [Fact]
    public async Task CityWall_DrawsCommunitiesWithinTheElementGoal_AndAHotGridAsAHotspot()
    {
        const string hotGrid = "330188017009011";
        for (var i = 0; i < MapMarkup.HotspotMinimum + 1; i++)
        {
            var response = await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid($"large-{i}", hotGrid, Categories[i])
                .With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O")));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var wall = await PageAsync("duty", "wall");

        await Expect(wall.Locator("[data-testid=city-map] g.grids path[data-community]")).ToHaveCountAsync(600, new() { Timeout = 15_000 });
        await Expect(wall.Locator("[data-testid=city-map] path.hot-grid")).ToHaveAttributeAsync("data-hot-grid", hotGrid, new() { Timeout = 10_000 });
        Assert.Equal(0, await wall.Locator("[data-testid=city-map] path[data-grid]").CountAsync());
        var elements = await wall.EvaluateAsync<int>("document.getElementsByTagName('*').length");
        Assert.InRange(elements, 1, WallElementGoal);
        await wall.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "wall-large-city.png") });
    }
}
