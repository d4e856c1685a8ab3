using System.Net.Http.Json;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>The leaders' pages in a real browser: only leaders get them, and they work end to end.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LeadersBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Supervision_AsTheCityLeader_ScoresEveryTownAndSwitchesToCommunities()
    {
        (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("sup-1", DemoCity.GridCode(0, 1, 2)))).EnsureSuccessStatusCode();
        var page = await PageAsync("leader", "supervision");

        await Expect(page.Locator("[data-testid=score-row]")).ToHaveCountAsync(6, new() { Timeout = 5000 });
        await Expect(page.Locator("[data-testid=score-row][data-unit='330188001'] td").Nth(1)).ToHaveTextAsync("1");
        await page.Locator("[data-testid=level]").SelectOptionAsync("Community");
        await Expect(page.Locator("[data-testid=score-row]")).ToHaveCountAsync(30, new() { Timeout = 5000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "supervision.png"), FullPage = true });
    }

    [Fact]
    public async Task Hotspots_DrillFromTheCityToAGridAndBackUp()
    {
        var grid = DemoCity.GridCode(2, 1, 3);
        (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("hot-1", grid).With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O")))).EnsureSuccessStatusCode();
        var page = await PageAsync("leader", "hotspots");
        var here = page.Locator("[data-testid=breadcrumb] .here");
        await Expect(here).ToHaveTextAsync("明湖市");

        await page.Locator("[data-testid=hot-map] path[data-child='330188003']").ClickAsync(); // the town, on the map
        await Expect(here).ToHaveTextAsync("东城街道", new() { Timeout = 5000 });
        await page.Locator("[data-testid=ranking-row][data-child='330188003002']").ClickAsync(); // the community, in the ranking
        await Expect(here).ToHaveAttributeAsync("data-node", "330188003002", new() { Timeout = 5000 });
        await page.Locator($"[data-testid=hot-map] path[data-child='{grid}']").ClickAsync(); // the grid, on the map
        await Expect(here).ToHaveAttributeAsync("data-node", grid, new() { Timeout = 5000 });
        await Expect(page.Locator("[data-testid=hot-alert]")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "hotspots-grid.png"), FullPage = true });

        await page.Locator("[data-testid=breadcrumb] a[data-node='330188']").ClickAsync();
        await Expect(here).ToHaveTextAsync("明湖市", new() { Timeout = 5000 });
        await Expect(page.Locator("[data-testid=ranking-row]").First).ToHaveAttributeAsync("data-child", "330188003");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "hotspots-city.png"), FullPage = true });
    }

    [Fact]
    public async Task Supervision_AsStaff_IsNotOffered()
    {
        var page = await PageAsync("staff-hubin", "supervision", waitForLive: false);

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?ReturnUrl=%2Fsupervision"));
        await Expect(page.Locator("[data-testid=supervision]")).ToHaveCountAsync(0);
    }
}
