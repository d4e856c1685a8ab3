using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Core.Access;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>
    /// A running CSS animation keeps the browser drawing 60 frames a second: five walls with a blinking dot, pulsing
    /// markers and fading rows held headless Chromium at ~1.6 of 2 cores. Everything that stands out — the live dot,
    /// a new row, a changed tile, a new major event's halo — must do it with the page's once-a-second beat instead.
    /// </summary>
    [Fact]
    public async Task LiveWallWithANewMajorAlert_RunsNoCssAnimation()
    {
        var page = await OpenWallAsync(1920, 1080);
        var posted = await App.PostJsonAsync("/api/v1/alerts", Report("pw-still"));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        await Expect(page.Locator("[data-testid=alert-row].fresh")).ToHaveCountAsync(1, new() { Timeout = 2000 });
        await Expect(page.Locator("[data-testid=kpi-Open].changed")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=marker-halo]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=freshness].live")).ToHaveCountAsync(1);

        var running = await page.EvaluateAsync<string[]>(
            "() => document.getAnimations().map(a => `${a.animationName ?? a.constructor.name} on ${a.effect?.target?.className?.baseVal ?? a.effect?.target?.className ?? '?'}`)");

        Assert.Empty(running);
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
        var page = await BusyWallAsync(width, height);

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

        await Expect(page.Locator("[data-testid=overdue-panel]")).ToBeInViewportAsync(new() { Ratio = 1 });
        await Expect(page.Locator("[data-testid=overdue-row]").First).ToBeInViewportAsync(new() { Ratio = 1 });
        Assert.False(overflow.GetProperty("pageWide").GetBoolean(), "the page is wider than the screen");
        Assert.False(overflow.GetProperty("pageTall").GetBoolean(), "the page is taller than the screen");
        Assert.Empty(overflow.GetProperty("scrollers").EnumerateArray().Select(e => e.ToString()));
    }

    [Theory]
    [InlineData(1920, 1080)]
    [InlineData(3840, 2160)]
    public async Task BusyWall_ListsShowOnlyWholeRows(int width, int height)
    {
        var page = await BusyWallAsync(width, height);

        var feed = await RowsAsync(page, "[data-testid=alert-feed]");
        var overdue = await RowsAsync(page, "[data-testid=overdue-panel] ol");

        Assert.Equal((30, 0), (feed.Total, feed.Cut)); // the feed keeps 30, shows what fits whole, never half a row
        Assert.InRange(feed.Whole, 12, 29);
        Assert.Equal((OverdueSeeded, 0), (overdue.Total, overdue.Cut));
        Assert.InRange(overdue.Whole, 5, OverdueSeeded - 1);
    }

    [Theory]
    [InlineData(1920, 1080)]
    [InlineData(3840, 2160)]
    public async Task BusyWall_FeedTextIsLargeEnoughToReadAt5Metres(int width, int height)
    {
        var page = await BusyWallAsync(width, height);

        // In rem (1 rem is 1/120 of the screen width): what the review asked for, at either size.
        var sizes = await page.EvaluateAsync<JsonElement>("""
            () => {
                const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
                const size = selector => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize) / rem;
                return { rem, what: size('[data-testid=alert-row] .category'), where: size('[data-testid=alert-row] .where'),
                    age: size('[data-testid=alert-row] [data-testid=age]'), overdueTitle: size('[data-testid=overdue-row] .title') };
            }
            """);

        Assert.Equal(width / 120.0, sizes.GetProperty("rem").GetDouble(), 1);
        Assert.True(sizes.GetProperty("what").GetDouble() >= 1.5, $"feed titles are {sizes.GetProperty("what")} rem");
        Assert.True(sizes.GetProperty("where").GetDouble() >= 1.1, $"feed places are {sizes.GetProperty("where")} rem");
        Assert.True(sizes.GetProperty("age").GetDouble() >= 1.2, $"feed ages are {sizes.GetProperty("age")} rem");
        Assert.True(sizes.GetProperty("overdueTitle").GetDouble() >= 1.3, $"overdue titles are {sizes.GetProperty("overdueTitle")} rem");
    }

    [Fact]
    public async Task OverdueAlertInTheStore_IsOnTheWallAndClimbsARungWhenTheJobEscalatesIt()
    {
        var time = App.Services.GetRequiredService<TimeProvider>();
        var alert = OverdueAlerts.Replay(Reference, DemoCity.GridCode(1, 2, 3), rungs: 0, TimeSpan.FromMinutes(3), time.GetUtcNow(), title: "井盖缺失");
        await using (var db = App.NewDbContext())
        {
            db.Alerts.Add(alert);
            await db.SaveChangesAsync();
        }

        var page = await OpenWallAsync(1920, 1080);

        var row = page.Locator($"[data-testid=overdue-row][data-alert-id='{alert.Id}']");
        await Expect(row.Locator("[data-testid=rung]")).ToHaveTextAsync("社区", new() { Timeout = 5000 }); // the job runs every 2 s
        await Expect(row).ToContainTextAsync("井盖缺失");
        await Expect(row.Locator("[data-testid=holder]")).ToHaveTextAsync("无人认领");
        await Expect(page.Locator("[data-testid=overdue-count]")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task LateReport_IsMarkedInTheFeedAndOnTheMap()
    {
        var page = await OpenWallAsync(1920, 1080);

        var posted = await App.PostJsonAsync("/api/v1/alerts", Report("late-1", DemoCity.GridCode(2, 1, 4)).With("occurredAt", DateTimeOffset.UtcNow.AddHours(-3).ToString("O")));

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        await Expect(page.Locator("[data-testid=alert-row] [data-testid=late]")).ToHaveTextAsync("迟报", new() { Timeout = 2000 });
        await Expect(page.Locator($"[data-late-grid='{DemoCity.GridCode(2, 1, 4)}']")).ToHaveCountAsync(1, new() { Timeout = 2000 });
        await Expect(page.Locator("[data-testid=legend-late]")).ToHaveTextAsync("今日迟报网格 1");
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

    private const int OverdueSeeded = 12;

    private ReferenceData Reference => App.Services.GetRequiredService<ReferenceData>();

    /// <summary>
    /// A wall on a busy day: 40 new alerts (every fifth reported late), a dozen overdue at every rung, some held and
    /// some not, and a few silent grids.
    /// </summary>
    private async Task<IPage> BusyWallAsync(int width, int height)
    {
        var now = App.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var officer = new Operator("u-hubin", "湖滨街道处置员", Role.Staff, DemoCity.TownCode(0));
        await using (var db = App.NewDbContext())
        {
            string[] titles = ["井盖缺失", "占道经营", "违章搭建", "路灯损坏", "垃圾满溢", "噪声扰民"];
            for (var i = 0; i < OverdueSeeded; i++)
            {
                var rungs = i % 4;
                db.Alerts.Add(OverdueAlerts.Replay(Reference, DemoCity.GridCode(i % 6, (i + 2) % 5, 1 + (i % 10)), rungs, TimeSpan.FromMinutes(3 + (7 * i)), now,
                    rungs > 1 || i % 3 == 0 ? officer : null, titles[i % titles.Length], isLateReport: i == 5));
            }

            await db.SaveChangesAsync();
        }

        for (var i = 0; i < 40; i++)
        {
            // A busy city: the feed and panels must clip, never push the page into scrolling.
            var report = Report($"fill-{i}", DemoCity.GridCode(i % 6, i % 5, 1 + (i % 10)));
            await App.PostJsonAsync("/api/v1/alerts", i % 5 == 0 ? report.With("occurredAt", DateTimeOffset.UtcNow.AddHours(-3).ToString("O")) : report);
        }

        var page = await OpenWallAsync(width, height);
        App.Services.GetRequiredService<ILiveFeed>().Publish(new SilentGridsChanged(
            Reference.Map.PathOf(Reference.Map.City.Code), DateTimeOffset.UtcNow,
            [DemoCity.GridCode(0, 4, 7), DemoCity.GridCode(3, 1, 2), DemoCity.GridCode(3, 1, 3), DemoCity.GridCode(5, 3, 9)], []));
        await Expect(page.Locator("[data-testid=alert-row]")).ToHaveCountAsync(30, new() { Timeout = 3000 });
        await Expect(page.Locator("[data-testid=overdue-count]")).ToHaveTextAsync(OverdueSeeded.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 3000 });
        await Expect(page.Locator("[data-testid=legend-silent]")).ToHaveTextAsync("静默网格 4", new() { Timeout = 3000 });
        return page;
    }

    /// <summary>
    /// The rows of a list by what the screen shows of them: whole (inside the list's box), hidden (wholly outside it)
    /// or cut (partly inside: half a row).
    /// </summary>
    private static async Task<(int Total, int Whole, int Hidden, int Cut)> RowsAsync(IPage page, string list)
    {
        var counts = await page.EvaluateAsync<JsonElement>("""
            selector => {
                const box = document.querySelector(selector).getBoundingClientRect();
                const rows = [...document.querySelector(selector).children].map(r => r.getBoundingClientRect());
                const inside = r => r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5 && r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
                const outside = r => r.top >= box.bottom - 0.5 || r.bottom <= box.top + 0.5 || r.left >= box.right - 0.5 || r.right <= box.left + 0.5;
                return { total: rows.length, whole: rows.filter(inside).length, hidden: rows.filter(outside).length,
                    cut: rows.filter(r => !inside(r) && !outside(r)).length };
            }
            """, list);
        return (counts.GetProperty("total").GetInt32(), counts.GetProperty("whole").GetInt32(), counts.GetProperty("hidden").GetInt32(), counts.GetProperty("cut").GetInt32());
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
