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
        SignedInAs(Town, "Staff");
        var grids = Reference.Map.Grids.Where(g => Reference.Map.IsWithin(g.Code, Town)).Select(g => g.Code).ToList();
        _alerts = await BulkAlerts.InsertAsync(Store.Get<IDbContextFactory<CommandCenterDbContext>>(), Reference, grids, Open, Time.GetUtcNow());

        var cut = Render<StaffConsole>();
        cut.WaitForAssertion(() => Assert.Equal(StaffConsole.PageSize, cut.FindAll("[data-testid=queue-row]").Count), TimeSpan.FromSeconds(10));
        return cut;
    }
}
