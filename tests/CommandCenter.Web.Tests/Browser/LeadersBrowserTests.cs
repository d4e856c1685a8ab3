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
    public async Task Supervision_AsStaff_IsNotOffered()
    {
        var page = await PageAsync("staff-hubin", "supervision", waitForLive: false);

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?ReturnUrl=%2Fsupervision"));
        await Expect(page.Locator("[data-testid=supervision]")).ToHaveCountAsync(0);
    }

    private async Task<IPage> PageAsync(string user, string path, bool waitForLive = true)
    {
        var page = await NewPageAsync();
        await SignInAsync(page, App, user);
        await page.GotoAsync(new Uri(App.BaseAddress, path).ToString());
        if (waitForLive)
        {
            await Expect(page.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        }

        return page;
    }
}
