using Bunit;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Metrics;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

using WallPage = CommandCenter.Web.Components.Pages.Wall;

namespace CommandCenter.Web.Tests.Wall;

public sealed class WallPageTests : WallTestContext
{
    private static readonly string Grid = DemoCity.GridCode(0, 1, 2);

    [Fact]
    public async Task NewAlertOnTheFeed_AppearsInTheFeedAndTheOpenTile()
    {
        var cut = await RenderWallAsync();
        Assert.Equal("0", OpenTile(cut));

        Feed.Publish(Raised(Grid, Severity.Serious));
        Time.Advance(WallPage.RenderInterval);

        cut.WaitForAssertion(() =>
        {
            Assert.Single(cut.FindAll("[data-testid=alert-row]"));
            Assert.Equal("1", OpenTile(cut));
        });
        Assert.Contains(DemoCity.Map().Find(Grid[..12])!.Name, cut.Find("[data-testid=alert-row]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatMerged_UpdatesTheRowsRepeatCount()
    {
        var cut = await RenderWallAsync();
        var id = Guid.NewGuid();
        Feed.Publish(Raised(Grid, id: id));
        Time.Advance(WallPage.RenderInterval);

        Feed.Publish(Raised(Grid, id: id, repeat: 4, change: AlertChange.RepeatMerged));
        Time.Advance(WallPage.RenderInterval);

        cut.WaitForAssertion(() => Assert.Equal("重复×4", cut.Find("[data-testid=repeat]").TextContent));
        Assert.Single(cut.FindAll("[data-testid=alert-row]"));
    }

    [Fact]
    public async Task BurstOf500Alerts_RendersAFewTimesNotFiveHundred()
    {
        var cut = await RenderWallAsync();
        var before = cut.Instance.ThrottledRenders;
        var rendersBefore = cut.Instance.Renders;

        for (var i = 0; i < 500; i++)
        {
            Feed.Publish(Raised(DemoCity.GridCode(i % 6, i % 5, 1 + (i % 10)), category: $"030{1 + (i % 5)}"));
            if (i % 100 == 99)
            {
                Time.Advance(TimeSpan.FromMilliseconds(100)); // the burst spans half a second
            }
        }

        Time.Advance(WallPage.RenderInterval);
        cut.WaitForAssertion(() => Assert.Equal("500", OpenTile(cut)));
        Assert.InRange(cut.Instance.ThrottledRenders - before, 1, 4);
        Assert.InRange(cut.Instance.Renders - rendersBefore, 1, 4); // the page itself rendered a few times, not 500
        Assert.Equal(30, cut.FindAll("[data-testid=alert-row]").Count);
    }

    [Fact]
    public async Task ClockTick_AgesMoveWithoutAnyNewData()
    {
        var cut = await RenderWallAsync();
        Feed.Publish(Raised(Grid));
        Time.Advance(WallPage.RenderInterval);
        cut.WaitForAssertion(() => Assert.Equal("0秒", cut.Find("[data-testid=age]").TextContent));

        for (var i = 0; i < 65; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        cut.WaitForAssertion(() => Assert.Equal("1分05秒", cut.Find("[data-testid=age]").TextContent));
    }

    [Fact]
    public async Task NoDataForLongerThanExpected_HeaderSaysHowOld()
    {
        var cut = await RenderWallAsync();
        Feed.Publish(new FeedHeartbeat(PathOf("330188"), Time.GetUtcNow()));
        Time.Advance(WallPage.RenderInterval);
        cut.WaitForAssertion(() => Assert.Equal("实时", cut.Find("[data-testid=freshness]").TextContent));

        for (var i = 0; i < 20; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        cut.WaitForAssertion(() => Assert.StartsWith("数据已 20 秒未更新", cut.Find("[data-testid=freshness]").TextContent, StringComparison.Ordinal));
        Assert.Contains("stale", cut.Find("[data-testid=freshness]").ClassList);
    }

    [Fact]
    public async Task MetricsLag_IsShownAndHiddenOnTheOneSecondClockNotOnOtherRenders()
    {
        var writer = new LagWriter();
        var cut = await RenderWallAsync(metrics: writer);
        Assert.Empty(cut.FindAll("[data-testid=metrics-lag]"));

        writer.Lag = new MetricLag(12_345, 0, null, "InfluxDB at http://x is unreachable");
        Feed.Publish(Raised(Grid));
        Time.Advance(WallPage.RenderInterval);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=alert-row]")));
        var onAFeedRender = cut.FindAll("[data-testid=metrics-lag]").Count;
        Time.Advance(TimeSpan.FromSeconds(1) - WallPage.RenderInterval);
        cut.WaitForAssertion(() => Assert.Equal("指标数据滞后 12345 条", cut.Find("[data-testid=metrics-lag]").TextContent));

        writer.Lag = LagWriter.CaughtUp;
        Time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=metrics-lag]")));
        Assert.Equal(0, onAFeedRender);
    }

    [Fact]
    public async Task TownWall_ShowsOnlyItsTownsAlerts()
    {
        var cut = await RenderWallAsync(DemoCity.TownCode(1));

        Feed.Publish(Raised(DemoCity.GridCode(0, 0, 1)));
        Feed.Publish(Raised(DemoCity.GridCode(1, 0, 1)));
        Time.Advance(WallPage.RenderInterval);

        cut.WaitForAssertion(() => Assert.Equal("1", OpenTile(cut)));
        Assert.Contains("望江街道", cut.Find("[data-testid=scope]").TextContent, StringComparison.Ordinal);
        Assert.Equal(50, cut.FindAll("path[data-grid]").Count); // the town's own grids, not the city's 300
    }

    [Fact]
    public async Task AlertPastItsDeadline_EntersTheOverduePanelWithoutAnyNewData()
    {
        var cut = await RenderWallAsync();
        var acknowledgeBy = Time.GetUtcNow() + TimeSpan.FromMinutes(2);
        Feed.Publish(Raised(Grid) with { StageDeadline = acknowledgeBy });
        Time.Advance(WallPage.RenderInterval);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=alert-row]")));
        Assert.Empty(cut.FindAll("[data-testid=overdue-row]"));

        for (var i = 0; i < 125; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("超时 5秒", cut.Find("[data-testid=overdue-row] [data-testid=overdue-for]").TextContent);
            Assert.Equal("1", cut.Find("[data-testid=overdue-count]").TextContent);
        });
        Assert.Equal("无人认领", cut.Find("[data-testid=overdue-row] [data-testid=holder]").TextContent);
    }

    [Fact]
    public async Task LateReportCharged_MarksTheFeedRowAndTheGridOnTheMap()
    {
        var cut = await RenderWallAsync();
        var alert = Raised(Grid);
        Feed.Publish(alert);
        Time.Advance(WallPage.RenderInterval);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=alert-row]")));

        Feed.Publish(new LateReportCharged(alert.Scope, Time.GetUtcNow(), alert.AlertId, Grid, "李网格", null, alert.Severity,
            alert.OccurredAt, alert.ReportedAt, TimeSpan.FromHours(2), TimeSpan.FromHours(3)));
        Time.Advance(WallPage.RenderInterval);

        cut.WaitForAssertion(() => Assert.Equal("迟报", cut.Find("[data-testid=alert-row] [data-testid=late]").TextContent));
        Assert.NotNull(cut.Find($"path.late-grid[data-late-grid='{Grid}']"));
        Assert.Equal("今日迟报网格 1", cut.Find("[data-testid=legend-late]").TextContent);
    }

    [Fact]
    public async Task SilentGridsChanged_TownWallHatchesOnlyItsOwnGrids()
    {
        var cut = await RenderWallAsync(DemoCity.TownCode(1));

        Feed.Publish(new SilentGridsChanged(PathOf("330188"), Time.GetUtcNow(), [DemoCity.GridCode(0, 0, 1), DemoCity.GridCode(1, 0, 1), DemoCity.GridCode(1, 2, 3)], []));
        Time.Advance(WallPage.RenderInterval);

        cut.WaitForAssertion(() => Assert.Equal("静默网格 2", cut.Find("[data-testid=legend-silent]").TextContent));
        Assert.Equal([DemoCity.GridCode(1, 0, 1), DemoCity.GridCode(1, 2, 3)], cut.FindAll("path.silent-grid").Select(p => p.GetAttribute("data-silent-grid")));
    }

    [Fact]
    public async Task TownUser_OnTheCityWall_SeesTheirOwnTown()
    {
        SignedInAs(DemoCity.TownCode(0), "Wall");

        var cut = await RenderWallAsync();

        Assert.Contains("湖滨街道", cut.Find("[data-testid=scope]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TownUser_OnAnotherTownsWall_IsRefused()
    {
        SignedInAs(DemoCity.TownCode(0), "Wall");

        var cut = await RenderWallAsync(DemoCity.TownCode(1));

        Assert.Contains("望江街道", cut.Find("[data-testid=no-access]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=alert-feed]"));
    }

    [Theory]
    [InlineData("330188001001", "翠苑社区")]
    [InlineData("330188001001001", "翠苑社区第1网格")]
    public async Task CommunityOrGridUser_OnTheWall_IsToldWallsStopAtTownsAndPointedToTheConsole(string node, string name)
    {
        SignedInAs(node, "Staff");

        var cut = await RenderWallAsync();

        var message = cut.Find("[data-testid=below-walls]");
        Assert.Contains(name, message.TextContent, StringComparison.Ordinal);
        Assert.Equal("console", message.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=alert-feed]"));
    }

    [Fact]
    public async Task UnknownTown_SaysSoInsteadOfFailing()
    {
        var cut = await RenderWallAsync("330188999");

        Assert.Contains("330188999", cut.Find("[data-testid=unknown-scope]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KioskMode_HidesTheScopeSwitchAndTheCursor()
    {
        var cut = await RenderWallAsync(kiosk: true);

        Assert.Contains("kiosk", cut.Find("[data-testid=wall]").ClassList);
        Assert.Empty(cut.FindAll("nav.scope-switch"));
    }

    [Fact]
    public async Task Simulator_On_ShowsTheDemoBadge()
    {
        var cut = await RenderWallAsync();

        Assert.Equal("演示数据", cut.Find("[data-testid=demo-badge]").TextContent);
    }

    [Fact]
    public async Task Dispose_StopsListeningToTheFeed()
    {
        var cut = await RenderWallAsync();
        var registry = Services.GetRequiredService<CommandCenter.Web.Wall.WallStateRegistry>();
        var state = await registry.GetAsync("330188");
        var renders = cut.Instance.ThrottledRenders;

        cut.Instance.Dispose();
        Feed.Publish(Raised(Grid));
        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(renders, cut.Instance.ThrottledRenders);
        Assert.Equal(1, state!.View().Kpis.Open);
    }

    private async Task<IRenderedComponent<WallPage>> RenderWallAsync(string? town = null, bool kiosk = false, IMetricWriter? metrics = null)
    {
        await UseStoreAsync();
        if (metrics is not null)
        {
            Services.AddSingleton(metrics);
        }

        if (kiosk)
        {
            Services.GetRequiredService<NavigationManager>().NavigateTo("/wall?kiosk=1");
        }

        var cut = Render<WallPage>(p =>
        {
            if (town is not null)
            {
                p.Add(c => c.TownCode, town);
            }
        });
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=wall]")));
        return cut;
    }

    private static string OpenTile(IRenderedComponent<WallPage> cut) => cut.Find("[data-testid=kpi-Open] .kpi-value").TextContent;
}
