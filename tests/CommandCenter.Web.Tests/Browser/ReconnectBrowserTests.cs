using CommandCenter.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>A wall nobody touches must survive a server restart: overlay while down, back by itself when up.</summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategory.Name, TestCategory.Browser)]
public sealed class ReconnectBrowserTests(BrowserFixture browser) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ServerRestart_ShowsTheOverlayThenReloadsAndGoesLiveByItself()
    {
        var port = LoopbackPorts.Free();
        var first = new CommandCenterApp(_dir.Path, realTime: true, port: port);
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        var page = await context.NewPageAsync();
        await BrowserTest.SignInAsync(page, first, "wall");
        await page.GotoAsync(new Uri(first.BaseAddress, "wall?kiosk=1").ToString());
        await Expect(page.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });

        await first.DisposeAsync();

        var overlay = page.Locator("#components-reconnect-modal");
        await Expect(overlay).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(page.Locator("#reconnect-elapsed")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d\d:\d\d$"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "wall-disconnected.png") });

        await using var second = new CommandCenterApp(_dir.Path, realTime: true, port: port);

        // Hidden overlay first: the old page still carries data-circuit=live under it.
        await Expect(overlay).ToBeHiddenAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await context.CloseAsync();
    }
}
