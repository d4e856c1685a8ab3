using System.Net;
using System.Net.Http.Json;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>The closed loop as people see it: staff acknowledge on the console, the duty officers' wall shows who has it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task AcknowledgeOnTheConsole_WallShowsAcknowledgedByWithinTwoSeconds()
    {
        var alert = await (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("console-1", DemoCity.GridCode(0, 1, 4))
            .With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O")))).Content.ReadFromJsonAsync<CommandCenter.Web.Api.AlertDto>(CommandCenterApp.Json);
        var wall = await PageAsync("wall", "wall");
        var console = await PageAsync("staff-hubin", "console");
        var row = console.Locator($"[data-alert-id='{alert!.Id}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 5000 });

        await row.Locator("button[data-action=Acknowledge]").ClickAsync();

        await Expect(row.Locator("[data-testid=handler]")).ToHaveTextAsync("湖滨街道处置员", new() { Timeout = 5000 });
        await Expect(wall.Locator($"[data-alert-id='{alert.Id}'] [data-testid=handler]")).ToHaveTextAsync("湖滨街道处置员 处理中", new() { Timeout = 2000 });
        await console.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "console.png") });
    }

    [Fact]
    public async Task Console_ShowsOnlyMyJurisdiction()
    {
        await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("mine", DemoCity.GridCode(0, 0, 1)).With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O")));
        await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("theirs", DemoCity.GridCode(1, 0, 1)).With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O")));

        var console = await PageAsync("staff-hubin", "console");

        await Expect(console.Locator("[data-testid=queue-row]")).ToHaveCountAsync(1, new() { Timeout = 5000 });
        await Expect(console.Locator("[data-testid=queue-row]")).ToContainTextAsync("湖滨街道");
    }

    [Fact]
    public async Task Console_AsAWallDevice_IsNotOffered()
    {
        var page = await PageAsync("wall", "console", waitForLive: false);

        Assert.DoesNotContain("/console", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
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
