using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>The wall in a real Chromium against the app on a real port, with the real clock.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WallBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private static readonly LocatorAssertionsToContainTextOptions WithinTwoSeconds = new() { Timeout = 2000 };

    [Fact]
    public async Task PostedAlert_AppearsOnTheWallAndMovesTheOpenTileWithinTwoSeconds()
    {
        var page = await OpenWallAsync(1920, 1080);
        await Expect(page.Locator("[data-testid=kpi-Open] .kpi-value")).ToHaveTextAsync("0");

        var posted = await App.PostJsonAsync("/api/v1/alerts", Report("pw-1"));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        await Expect(page.Locator("[data-testid=alert-row]").First).ToContainTextAsync("消防隐患", WithinTwoSeconds);
        await Expect(page.Locator("[data-testid=kpi-Open] .kpi-value")).ToHaveTextAsync("1", new() { Timeout = 2000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "wall-after-alert-1920x1080.png") });
    }

    [Fact]
    public async Task MergedRepeat_ShowsTheRepeatCountOnTheRow()
    {
        var page = await OpenWallAsync(1920, 1080);
        await App.PostJsonAsync("/api/v1/alerts", Report("pw-a"));
        await Expect(page.Locator("[data-testid=alert-row]")).ToHaveCountAsync(1, new() { Timeout = 2000 });

        var merged = await App.PostJsonAsync("/api/v1/alerts", Report("pw-b").With("source", "hotline"));
        Assert.Equal("Merged", merged.Headers.GetValues("X-Ingest-Outcome").Single());

        await Expect(page.Locator("[data-testid=alert-row] [data-testid=repeat]")).ToContainTextAsync("重复×1", WithinTwoSeconds);
        await Expect(page.Locator("[data-testid=alert-row]")).ToHaveCountAsync(1);
    }

    [Theory]
    [InlineData(1920, 1080)]
    [InlineData(3840, 2160)]
    public async Task Wall_FitsTheScreenWithoutScrollbars(int width, int height)
    {
        for (var i = 0; i < 40; i++)
        {
            // A busy city: the feed and panels must clip, never push the page into scrolling.
            await App.PostJsonAsync("/api/v1/alerts", Report($"fill-{i}", DemoCity.GridCode(i % 6, i % 5, 1 + (i % 10))));
        }

        var page = await OpenWallAsync(width, height);
        await Expect(page.Locator("[data-testid=alert-row]")).ToHaveCountAsync(30, new() { Timeout = 3000 });

        var overflow = await page.EvaluateAsync<JsonElement>("""
            () => {
                const root = document.documentElement;
                const scrollers = [...document.querySelectorAll('*')].filter(e => {
                    const style = getComputedStyle(e);
                    return /(auto|scroll)/.test(style.overflowY + style.overflowX)
                        && (e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1);
                }).map(e => e.className || e.tagName);
                return { pageWide: root.scrollWidth > innerWidth, pageTall: root.scrollHeight > innerHeight, scrollers };
            }
            """);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, $"wall-{width}x{height}.png") });

        Assert.False(overflow.GetProperty("pageWide").GetBoolean(), "the page is wider than the screen");
        Assert.False(overflow.GetProperty("pageTall").GetBoolean(), "the page is taller than the screen");
        Assert.Empty(overflow.GetProperty("scrollers").EnumerateArray().Select(e => e.ToString()));
    }

    [Fact]
    public async Task StormOf500Alerts_ReachesTheWallWithoutFreezingIt()
    {
        var page = await OpenWallAsync(1920, 1080);
        var clock = page.Locator("[data-testid=clock] .time");
        var clockBefore = await clock.InnerTextAsync();

        using var throttle = new SemaphoreSlim(16);
        var posts = Enumerable.Range(0, 500).Select(async i =>
        {
            await throttle.WaitAsync();
            try
            {
                var grid = DemoCity.GridCode(i % 300 / 50, i % 50 / 10, 1 + (i % 10));
                return await App.PostJsonAsync("/api/v1/alerts", Report($"storm-{i}", grid).With("category", i < 300 ? "0301" : "0302"));
            }
            finally
            {
                throttle.Release();
            }
        });
        var responses = await Task.WhenAll(posts);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        await Expect(page.Locator("[data-testid=kpi-Open] .kpi-value")).ToHaveTextAsync("500", new() { Timeout = 5000 });
        await Expect(clock).Not.ToHaveTextAsync(clockBefore, new() { Timeout = 3000 }); // still ticking
        Assert.Equal(30, await page.Locator("[data-testid=alert-row]").CountAsync());
    }

    [Fact]
    public async Task StaffAcknowledges_WallShowsWhoHandlesItWithinTwoSeconds()
    {
        var page = await OpenWallAsync(1920, 1080);
        var alert = await (await App.PostJsonAsync("/api/v1/alerts", Report("ack-1"))).Content.ReadFromJsonAsync<CommandCenter.Web.Api.AlertDto>(CommandCenterApp.Json);
        await Expect(page.Locator("[data-testid=alert-row]")).ToHaveCountAsync(1, new() { Timeout = 2000 });
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var acknowledged = await staff.PostAsJsonAsync($"/api/v1/alerts/{alert!.Id}/actions/acknowledge", new { comment = "已到场" }, CommandCenterApp.Json);

        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        await Expect(page.Locator("[data-testid=handler]")).ToHaveTextAsync("湖滨街道处置员 处理中", new() { Timeout = 2000 });
        await Expect(page.Locator("[data-testid=kpi-Unacknowledged] .kpi-value")).ToHaveTextAsync("0", new() { Timeout = 2000 });
    }

    [Fact]
    public async Task EnglishCulture_IsServedOnRequest()
    {
        var page = await NewPageAsync(1920, 1080);
        await SignInAsync(page, App, "wall");
        await page.GotoAsync(new Uri(App.BaseAddress, "wall?culture=en").ToString());

        await Expect(page.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 }); // the live circuit, not just the first render
        await Expect(page.Locator("[data-testid=kpi-Open] .kpi-label")).ToHaveTextAsync("Open alerts");
    }

    private async Task<IPage> OpenWallAsync(int width, int height)
    {
        var page = await NewPageAsync(width, height);
        await SignInAsync(page, App, "wall");
        await page.GotoAsync(new Uri(App.BaseAddress, "wall").ToString());
        await Expect(page.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        return page;
    }

    private static Dictionary<string, object?> Report(string externalId, string? grid = null) =>
        AlertRequests.Valid(externalId, grid).With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(-3).ToString("O"));
}
