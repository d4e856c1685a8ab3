using AngleSharp.Dom;
using Bunit;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Pages;
using CommandCenter.Web.Tests.Wall;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Console;

/// <summary>
/// A town with 5,000 open alerts: the console shows a page of them in urgency order with the total, pages through
/// them, filters in the query, and keeps its page when the queue changes under it.
/// </summary>
public sealed class ConsolePagingTests : WallTestContext
{
    private const string Town = "330188001";
    private const int Open = 5_000;

    private IReadOnlyList<Alert> _alerts = [];

    [Fact]
    public async Task FirstPage_ShowsTheMostUrgentFiftyAndTheTotal()
    {
        var cut = await RenderConsoleAsync();

        Assert.Equal(Expected().Take(StaffConsole.PageSize), Rows(cut));
        Assert.Equal("第 1–50 条，共 5000 条", cut.Find("[data-testid=page-info]").TextContent);
        Assert.True(cut.Find("[data-testid=page-previous]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task NextAndPrevious_MoveThroughTheQueueWithoutOverlapOrGap()
    {
        var cut = await RenderConsoleAsync();

        await cut.Find("[data-testid=page-next]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(Expected().Skip(50).Take(50), Rows(cut)));
        Assert.Equal("第 51–100 条，共 5000 条", cut.Find("[data-testid=page-info]").TextContent);

        await cut.Find("[data-testid=page-previous]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(Expected().Take(50), Rows(cut)));
    }

    [Fact]
    public async Task AFilter_NarrowsTheTotalInTheQuery_AndStartsAtTheFirstPage()
    {
        var cut = await RenderConsoleAsync();
        await cut.Find("[data-testid=page-next]").ClickAsync(new());

        await cut.Find("[data-testid=filter-severity]").ChangeAsync(new() { Value = nameof(Severity.Critical) });

        var critical = Expected().Where(id => _alerts.Single(a => a.Id == id).Severity == Severity.Critical).ToList();
        cut.WaitForAssertion(() => Assert.Equal($"第 1–50 条，共 {critical.Count} 条", cut.Find("[data-testid=page-info]").TextContent));
        Assert.Equal(critical.Take(50), Rows(cut));
    }

    [Fact]
    public async Task AnAlertClosedElsewhere_LeavesThePageItWasOn_WhichStaysInView()
    {
        var cut = await RenderConsoleAsync();
        await cut.Find("[data-testid=page-next]").ClickAsync(new());
        var gone = Expected()[60];

        await using (var db = Store.NewDbContext())
        {
            await db.Alerts.Where(a => a.Id == gone).ExecuteUpdateAsync(set => set.SetProperty(a => a.State, AlertState.Voided));
        }

        Feed.Publish(Raised(_alerts.Single(a => a.Id == gone).GridCode, id: gone, change: CommandCenter.Core.Feed.AlertChange.StateChanged));
        Time.Advance(TimeSpan.FromSeconds(1)); // the console's render throttle

        cut.WaitForAssertion(() => Assert.Equal("第 51–100 条，共 4999 条", cut.Find("[data-testid=page-info]").TextContent));
        Assert.Equal(Expected().Where(id => id != gone).Skip(50).Take(50), Rows(cut));
    }

    [Fact]
    public async Task LastPage_WhenTheQueueShrinksBelowIt_ShowsTheNewLastPage()
    {
        var cut = await RenderConsoleAsync();
        await cut.Find("[data-testid=page-last]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("第 100 / 100 页", cut.Find("[data-testid=page-of]").TextContent));
        var gone = Expected().TakeLast(StaffConsole.PageSize).ToList();

        await using (var db = Store.NewDbContext())
        {
            await db.Alerts.Where(a => gone.Contains(a.Id)).ExecuteUpdateAsync(set => set.SetProperty(a => a.State, AlertState.Voided));
        }

        Feed.Publish(Raised(_alerts.Single(a => a.Id == gone[0]).GridCode, id: gone[0], change: CommandCenter.Core.Feed.AlertChange.StateChanged));
        Time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Equal("第 4901–4950 条，共 4950 条", cut.Find("[data-testid=page-info]").TextContent));
        Assert.Equal("第 99 / 99 页", cut.Find("[data-testid=page-of]").TextContent);
        Assert.Equal(Expected().Skip(4_900).Take(StaffConsole.PageSize), Rows(cut));
    }

    [Fact]
    public async Task ASelection_StaysOnItsPage_AndTheBulkActionCountsOnlyRowsInView()
    {
        var cut = await RenderConsoleAsync();
        await cut.FindAll("[data-testid=queue-row] input[type=checkbox]")[0].ChangeAsync(new() { Value = true });
        await cut.FindAll("[data-testid=queue-row] input[type=checkbox]")[1].ChangeAsync(new() { Value = true });
        Assert.Equal("批量签收（2）", cut.Find("[data-testid=bulk-ack]").TextContent);

        await cut.Find("[data-testid=page-next]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(Expected().Skip(50).Take(50), Rows(cut)));
        Assert.Equal("批量签收（0）", cut.Find("[data-testid=bulk-ack]").TextContent);
        Assert.True(cut.Find("[data-testid=bulk-ack]").HasAttribute("disabled"));
        Assert.Empty(cut.FindAll("[data-testid=queue-row] input[type=checkbox]:checked"));
    }

    [Fact]
    public async Task TheDetailPane_StaysOnItsAlertWhilePaging()
    {
        var cut = await RenderConsoleAsync();
        var first = Expected()[0];
        await cut.Find($"[data-alert-id='{first}'] td.title").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(_alerts.Single(a => a.Id == first).Title, cut.Find("[data-testid=detail] h2").TextContent));

        await cut.Find("[data-testid=page-next]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(Expected().Skip(50).Take(50), Rows(cut)));
        Assert.Equal(_alerts.Single(a => a.Id == first).Title, cut.Find("[data-testid=detail] h2").TextContent);
    }

    [Fact]
    public async Task AStoreThatCannotBeRead_SaysSoAndKeepsThePage_UntilTheNextChangeReadsIt()
    {
        var cut = await RenderConsoleAsync();
        await cut.Find("[data-testid=page-next]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(Expected().Skip(50).Take(50), Rows(cut)));
        await MoveAlertsTableAsync(away: true);

        await cut.Find("[data-testid=page-next]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("事件队列暂时无法读取，有新变化或翻页时将重试；如持续出现，请联系系统管理员。", cut.Find("[data-testid=console-message]").TextContent));
        Assert.Equal(Expected().Skip(50).Take(50), Rows(cut));
        Assert.Equal("第 2 / 100 页", cut.Find("[data-testid=page-of]").TextContent);

        await MoveAlertsTableAsync(away: false);
        Feed.Publish(Raised(_alerts[0].GridCode, id: _alerts[0].Id, change: CommandCenter.Core.Feed.AlertChange.StateChanged));
        Time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=console-message]")));
        Assert.Equal(Expected().Skip(50).Take(50), Rows(cut));
    }

    /// <summary>The alerts' table renamed away and back: every read of the queue fails meanwhile, as with a broken store.</summary>
    private async Task MoveAlertsTableAsync(bool away)
    {
        await using var db = Store.NewDbContext();
        await db.Database.ExecuteSqlRawAsync(away ? "ALTER TABLE \"Alerts\" RENAME TO \"AlertsAway\"" : "ALTER TABLE \"AlertsAway\" RENAME TO \"Alerts\"");
    }

    /// <summary>The urgency order, spelled out independently: deadline, then id (time-ordered: the earlier raised).</summary>
    private List<Guid> Expected() => [.. _alerts
        .OrderBy(a => a.StageDeadline)
        .ThenBy(a => a.Id.ToString().ToUpperInvariant(), StringComparer.Ordinal)
        .Select(a => a.Id)];

    private static List<Guid> Rows(IRenderedComponent<StaffConsole> cut) =>
        [.. cut.FindAll("[data-testid=queue-row]").Select(r => Guid.Parse(r.GetAttribute("data-alert-id")!))];

    private async Task<IRenderedComponent<StaffConsole>> RenderConsoleAsync()
    {
        await UseStoreAsync();
        Services.AddSingleton(Store.Get<AlertWorkflowService>());
        Services.AddSingleton(Store.Get<DispatchService>()); // the detail pane offers dispatch
        SignedInAs(Town, "Staff");
        var grids = Reference.Map.Grids.Where(g => Reference.Map.IsWithin(g.Code, Town)).Select(g => g.Code).ToList();
        _alerts = await BulkAlerts.InsertAsync(Store.Get<IDbContextFactory<CommandCenterDbContext>>(), Reference, grids, Open, Time.GetUtcNow());

        var cut = Render<StaffConsole>();
        cut.WaitForAssertion(() => Assert.Equal(StaffConsole.PageSize, cut.FindAll("[data-testid=queue-row]").Count), TimeSpan.FromSeconds(10));
        return cut;
    }
}
