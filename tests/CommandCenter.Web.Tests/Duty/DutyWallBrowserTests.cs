using System.Text.Json;
using CommandCenter.Core.Duty;
using CommandCenter.Infrastructure.Duty;
using CommandCenter.Web.Tests.Browser;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Duty;

/// <summary>Who is on duty, on the wall in a real Chromium: large enough to read across the room, and in the header's one line.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DutyWallBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Theory]
    [InlineData(1920, 1080)]
    [InlineData(3840, 2160)]
    public async Task OnDuty_IsLargeAndFitsTheHeader(int width, int height)
    {
        // A 24-hour shift: whatever the real clock says, 张伟 and 李娜 are on duty with 王强 as leader.
        DutyRosterDocument allDay = new(
            [new("全天", new(0, 0), new(0, 0))],
            new DutyRotation(new DateOnly(2026, 11, 1), [new Dictionary<string, DutyCrew> { ["全天"] = new([DutyRosters.Zhang, DutyRosters.Li], DutyRosters.Wang) }]),
            []);
        Assert.True((await App.Services.GetRequiredService<DutyRosterAdministration>().SaveAsync("330188", allDay, null, DutyRosters.CityAdmin)).Done);
        var page = await NewPageAsync(width, height);
        await SignInAsync(page, App, "wall");
        await page.GotoAsync(new Uri(App.BaseAddress, "wall").ToString());
        await Expect(page.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });

        await Expect(page.Locator(".wall-header [data-testid=duty-leader]")).ToContainTextAsync("王强 13900000001");
        var layout = await page.EvaluateAsync<JsonElement>("""
            () => {
                const header = document.querySelector('.wall-header');
                const person = document.querySelector('.wall-header [data-testid=duty-person] b');
                const lines = el => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight === 'normal' ? parseFloat(getComputedStyle(el).fontSize) * 1.3 : getComputedStyle(el).lineHeight);
                const wrapped = ['.title', '.scope', '.freshness', '.clock .time'].filter(s => lines(header.querySelector(s)) >= 1.8);
                return { fontPx: parseFloat(getComputedStyle(person).fontSize), headerHeight: header.getBoundingClientRect().height,
                         overflow: Math.max(header.scrollWidth - header.clientWidth, document.documentElement.scrollWidth - document.documentElement.clientWidth),
                         wrapped: wrapped.join(' ') };
            }
            """);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, $"wall-on-duty-{width}x{height}.png") });

        Assert.True(layout.GetProperty("fontPx").GetDouble() >= 24, $"names at {layout.GetProperty("fontPx")} px");
        Assert.True(layout.GetProperty("overflow").GetDouble() <= 0, $"header or page overflows by {layout.GetProperty("overflow")} px");
        Assert.Equal("", layout.GetProperty("wrapped").GetString()); // the centre's name, scope and clock keep their one line
        Assert.Equal(2, await page.Locator(".wall-header [data-testid=duty-person]").CountAsync());
        await Expect(page.Locator(".wall-header [data-testid=duty-town-gaps]")).ToContainTextAsync("6 个镇街值班空缺"); // no town keeps a roster here
    }
}
