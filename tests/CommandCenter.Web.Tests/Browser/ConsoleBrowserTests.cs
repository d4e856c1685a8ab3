using System.Net;
using System.Net.Http.Json;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task DispatchFromTheConsole_TeamGoesOutAndTheWallShowsItEnRoute()
    {
        var alert = await (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("console-dispatch", DemoCity.GridCode(0, 1, 4))
            .With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O")))).Content.ReadFromJsonAsync<CommandCenter.Web.Api.AlertDto>(CommandCenterApp.Json);
        var wall = await PageAsync("wall", "wall");
        var console = await PageAsync("staff-hubin", "console");
        var row = console.Locator($"[data-alert-id='{alert!.Id}']");
        await row.Locator("button[data-action=Acknowledge]").ClickAsync();
        await Expect(row.Locator("button[data-action=Dispatch]")).ToBeVisibleAsync(new() { Timeout = 5000 });

        await row.Locator("button[data-action=Dispatch]").ClickAsync();
        var detail = console.Locator("[data-testid=detail]");
        await Expect(detail.Locator("[data-testid=alert-map] [data-testid=alert-point]")).ToBeVisibleAsync(new() { Timeout = 5000 });
        await Expect(detail.Locator("[data-testid=detail-holder]")).ToHaveTextAsync("已签收 · 湖滨街道处置员 处理中");
        await detail.Locator("[data-testid=candidate][data-team=TM-025] input[type=checkbox]").CheckAsync();
        await detail.Locator("[data-testid=send]").ClickAsync();

        var deployed = detail.Locator("[data-testid=deployed-team][data-team=TM-025]");
        await Expect(deployed.Locator("[data-testid=team-status]")).ToHaveTextAsync("已派遣", new() { Timeout = 5000 });
        await Expect(row).ToContainTextAsync("已派遣");
        await deployed.Locator("button[data-next=EnRoute]").ClickAsync();
        await Expect(deployed.Locator("[data-testid=team-status]")).ToHaveTextAsync("在途", new() { Timeout = 5000 });
        await Expect(wall.Locator("[data-testid=team][data-team=TM-025]")).ToContainTextAsync("在途", new() { Timeout = 2000 });
        await Expect(detail.Locator("[data-testid=timeline]")).ToContainTextAsync("派遣 已签收 → 已派遣");
        await Expect(detail.Locator("[data-testid=timeline]")).ToContainTextAsync("上报");
        await console.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "console-dispatch.png") });
    }

    [Fact]
    public async Task Console_ShowsOnlyMyJurisdiction()
    {
        // Both must really be raised: a queue of one proves the filter only if the other town's alert exists.
        (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("mine", DemoCity.GridCode(0, 0, 1)).With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O")))).EnsureSuccessStatusCode();
        (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("theirs", DemoCity.GridCode(1, 0, 1)).With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O")))).EnsureSuccessStatusCode();

        var console = await PageAsync("staff-hubin", "console");

        await Expect(console.Locator("[data-testid=queue-row]")).ToHaveCountAsync(1, new() { Timeout = 5000 });
        await Expect(console.Locator("[data-testid=queue-row]")).ToContainTextAsync("湖滨街道");
    }

    [Fact]
    public async Task Filters_ByCategoryAndByCommunity_NarrowTheQueue()
    {
        var recent = DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O");
        await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("theft", DemoCity.GridCode(0, 0, 1), category: "0101").With("occurredAt", recent));
        await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("dispute", DemoCity.GridCode(0, 2, 1), category: "0201").With("occurredAt", recent));
        var console = await PageAsync("staff-hubin", "console");
        var rows = console.Locator("[data-testid=queue-row]");
        await Expect(rows).ToHaveCountAsync(2, new() { Timeout = 5000 });

        await console.Locator("[data-testid=filter-category]").SelectOptionAsync("02");
        await Expect(rows).ToHaveCountAsync(1, new() { Timeout = 5000 });
        await Expect(rows).ToContainTextAsync(DemoCity.Map().Find(DemoCity.GridCode(0, 2, 1))!.Name);

        await console.Locator("[data-testid=filter-category]").SelectOptionAsync("");
        await console.Locator("[data-testid=filter-node]").SelectOptionAsync("330188001001");
        await Expect(rows).ToHaveCountAsync(1, new() { Timeout = 5000 });
        await Expect(rows).ToContainTextAsync(DemoCity.Map().Find(DemoCity.GridCode(0, 0, 1))!.Name);
    }

    [Fact]
    public async Task ALargeQueue_PagesForwardBackAndToTheEnd_InUrgencyOrder()
    {
        const string town = "330188001";
        var reference = App.Services.GetRequiredService<ReferenceData>();
        var grids = reference.Map.Grids.Where(g => reference.Map.IsWithin(g.Code, town)).Select(g => g.Code).ToList();
        var alerts = await BulkAlerts.InsertAsync(App.Services.GetRequiredService<IDbContextFactory<CommandCenterDbContext>>(), reference, grids, 5_000, DateTimeOffset.UtcNow);
        var expected = alerts.OrderBy(a => a.StageDeadline).ThenBy(a => a.Id.ToString().ToUpperInvariant(), StringComparer.Ordinal).Select(a => a.Id.ToString()).ToList();
        var console = await PageAsync("staff-hubin", "console");
        var info = console.Locator("[data-testid=page-info]");
        await Expect(info).ToHaveTextAsync("第 1–50 条，共 5000 条", new() { Timeout = 10_000 });
        Assert.Equal(expected.Take(50), await RowIdsAsync(console));

        await console.Locator("[data-testid=page-next]").ClickAsync();
        await Expect(info).ToHaveTextAsync("第 51–100 条，共 5000 条", new() { Timeout = 5000 });
        Assert.Equal(expected.Skip(50).Take(50), await RowIdsAsync(console));

        await console.Locator("[data-testid=page-last]").ClickAsync();
        await Expect(info).ToHaveTextAsync("第 4951–5000 条，共 5000 条", new() { Timeout = 5000 });
        Assert.Equal(expected.TakeLast(50), await RowIdsAsync(console));

        await console.Locator("[data-testid=page-previous]").ClickAsync();
        await Expect(info).ToHaveTextAsync("第 4901–4950 条，共 5000 条", new() { Timeout = 5000 });
        await Expect(console.Locator("[data-testid=page-of]")).ToHaveTextAsync("第 99 / 100 页");
        Assert.Equal(expected.Skip(4_900).Take(50), await RowIdsAsync(console));

        await console.Locator("[data-testid=filter-severity]").SelectOptionAsync(nameof(Severity.Critical));
        await Expect(info).ToHaveTextAsync($"第 1–50 条，共 {alerts.Count(a => a.Severity == Severity.Critical)} 条", new() { Timeout = 5000 });
        await console.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "console-paging.png") });
    }

    [Fact]
    public async Task Console_AsAWallDevice_IsNotOffered()
    {
        var page = await PageAsync("wall", "console", waitForLive: false);

        Assert.DoesNotContain("/console", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    private static async Task<List<string>> RowIdsAsync(IPage console) =>
        [.. await console.Locator("[data-testid=queue-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.alertId)")];
}
