using Bunit;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Wall;
using CommandCenter.Web.Wall;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Wall;

public sealed class AlertFeedTests : WallTestContext
{
    private WallAlertRow Row(string title, Severity severity = Severity.General, int repeats = 0, TimeSpan? age = null) =>
        new(Guid.NewGuid(), title, "消防隐患", severity, "湖滨街道", "翠苑社区", "翠苑社区第1网格", AlertState.Reported, repeats,
            Time.GetUtcNow() - (age ?? TimeSpan.Zero), Time.GetUtcNow() - (age ?? TimeSpan.Zero), false, null);

    [Fact]
    public void Render_ShowsRowsInOrderWithSeverityPlaceAndRepeats()
    {
        var cut = Render<AlertFeed>(p => p
            .Add(c => c.Alerts, [Row("新", Severity.Critical, repeats: 3), Row("旧", age: TimeSpan.FromMinutes(5))])
            .Add(c => c.Now, Time.GetUtcNow()));

        var rows = cut.FindAll("[data-testid=alert-row]");
        Assert.Equal(2, rows.Count);
        Assert.Contains("sev-critical", rows[0].ClassList);
        Assert.Contains("特别重大", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("湖滨街道 · 翠苑社区 · 翠苑社区第1网格", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("重复×3", rows[0].QuerySelector("[data-testid=repeat]")!.TextContent);
        Assert.Null(rows[1].QuerySelector("[data-testid=repeat]"));
    }

    [Fact]
    public void Render_LateReport_ShowsTheLateMark()
    {
        var cut = Render<AlertFeed>(p => p
            .Add(c => c.Alerts, [Row("迟") with { IsLateReport = true }, Row("准时")])
            .Add(c => c.Now, Time.GetUtcNow()));

        var rows = cut.FindAll("[data-testid=alert-row]");
        Assert.Equal("迟报", rows[0].QuerySelector("[data-testid=late]")!.TextContent);
        Assert.Null(rows[1].QuerySelector("[data-testid=late]"));
    }

    [Fact]
    public void Render_NewRowIsMarkedFreshForAFewSecondsOnly()
    {
        var rows = new[] { Row("新") };
        var cut = Render<AlertFeed>(p => p.Add(c => c.Alerts, rows).Add(c => c.Now, Time.GetUtcNow()));
        Assert.Contains("fresh", cut.Find("[data-testid=alert-row]").ClassList);

        cut.Render(p => p.Add(c => c.Now, Time.GetUtcNow() + AlertFeed.FreshFor + TimeSpan.FromSeconds(1)));

        Assert.DoesNotContain("fresh", cut.Find("[data-testid=alert-row]").ClassList);
    }

    [Fact]
    public void Render_AgeTicksWithTheClock()
    {
        var rows = new[] { Row("新", age: TimeSpan.FromSeconds(5)) };
        var cut = Render<AlertFeed>(p => p.Add(c => c.Alerts, rows).Add(c => c.Now, Time.GetUtcNow()));
        Assert.Equal("5秒", cut.Find("[data-testid=age]").TextContent);

        cut.Render(p => p.Add(c => c.Now, Time.GetUtcNow() + TimeSpan.FromSeconds(60)));
        Assert.Equal("1分05秒", cut.Find("[data-testid=age]").TextContent);

        cut.Render(p => p.Add(c => c.Now, Time.GetUtcNow() + TimeSpan.FromHours(2)));
        Assert.Equal("2时00分", cut.Find("[data-testid=age]").TextContent);
    }
}

public sealed class OverduePanelTests : WallTestContext
{
    private WallOverdueRow Row(string title, int level, NodeLevel rung, TimeSpan overdueFor, string? handler = null, bool late = false) =>
        new(Guid.NewGuid(), title, Severity.Major, "湖滨街道", "翠苑社区", "翠苑社区第1网格", handler is null ? AlertState.Reported : AlertState.Acknowledged,
            level, rung, Time.GetUtcNow() - overdueFor, handler, late);

    [Fact]
    public void Render_ShowsEachRowsRungTitlePlaceOverdueTimeAndHolder()
    {
        var rows = new[] { Row("井盖缺失", 2, NodeLevel.Town, TimeSpan.FromMinutes(12), "王值班"), Row("占道经营", 1, NodeLevel.Community, TimeSpan.FromSeconds(40)) };

        var cut = Render<OverduePanel>(p => p.Add(c => c.Alerts, rows).Add(c => c.Count, 2).Add(c => c.Now, Time.GetUtcNow()));

        var shown = cut.FindAll("[data-testid=overdue-row]");
        Assert.Equal(["镇街", "社区"], shown.Select(r => r.QuerySelector("[data-testid=rung]")!.TextContent));
        Assert.Contains("井盖缺失", shown[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("湖滨街道 · 翠苑社区 · 翠苑社区第1网格", shown[0].TextContent, StringComparison.Ordinal);
        Assert.Equal(["超时 12分00秒", "超时 40秒"], shown.Select(r => r.QuerySelector("[data-testid=overdue-for]")!.TextContent));
        Assert.Equal(["王值班", "无人认领"], shown.Select(r => r.QuerySelector("[data-testid=holder]")!.TextContent));
        Assert.Contains("unclaimed", shown[1].QuerySelector("[data-testid=holder]")!.ClassList);
        Assert.Equal(["rung-2", "rung-1"], shown.Select(r => r.ClassList.Single(c => c.StartsWith("rung-", StringComparison.Ordinal))));
    }

    [Fact]
    public void Render_TitleCountsAllOverdueAlerts_NotOnlyTheListedOnes()
    {
        var cut = Render<OverduePanel>(p => p
            .Add(c => c.Alerts, [Row("井盖缺失", 1, NodeLevel.Community, TimeSpan.FromMinutes(1))])
            .Add(c => c.Count, 42)
            .Add(c => c.Now, Time.GetUtcNow()));

        Assert.Equal("42", cut.Find("[data-testid=overdue-count]").TextContent);
        Assert.Contains("超时升级", cut.Find("h2").TextContent, StringComparison.Ordinal);
        Assert.Contains("has-overdue", cut.Find("[data-testid=overdue-panel]").ClassList);
    }

    [Fact]
    public void Render_NothingOverdue_SaysSoCalmly()
    {
        var cut = Render<OverduePanel>(p => p.Add(c => c.Alerts, []).Add(c => c.Count, 0).Add(c => c.Now, Time.GetUtcNow()));

        Assert.Equal("0", cut.Find("[data-testid=overdue-count]").TextContent);
        Assert.Equal("暂无超时事件", cut.Find(".empty").TextContent);
        Assert.DoesNotContain("has-overdue", cut.Find("[data-testid=overdue-panel]").ClassList);
    }

    [Fact]
    public void Render_OverdueTimeTicksWithTheClock()
    {
        var rows = new[] { Row("井盖缺失", 1, NodeLevel.Community, TimeSpan.FromSeconds(50)) };
        var cut = Render<OverduePanel>(p => p.Add(c => c.Alerts, rows).Add(c => c.Count, 1).Add(c => c.Now, Time.GetUtcNow()));
        Assert.Equal("超时 50秒", cut.Find("[data-testid=overdue-for]").TextContent);

        cut.Render(p => p.Add(c => c.Now, Time.GetUtcNow() + TimeSpan.FromMinutes(70)));

        Assert.Equal("超时 1时10分", cut.Find("[data-testid=overdue-for]").TextContent);
    }

    [Fact]
    public void Render_LateReport_ShowsTheLateMark()
    {
        var rows = new[] { Row("井盖缺失", 1, NodeLevel.Community, TimeSpan.FromMinutes(1), late: true), Row("占道经营", 1, NodeLevel.Community, TimeSpan.FromMinutes(1)) };

        var cut = Render<OverduePanel>(p => p.Add(c => c.Alerts, rows).Add(c => c.Count, 2).Add(c => c.Now, Time.GetUtcNow()));

        var shown = cut.FindAll("[data-testid=overdue-row]");
        Assert.Equal("迟报", shown[0].QuerySelector("[data-testid=late]")!.TextContent);
        Assert.Null(shown[1].QuerySelector("[data-testid=late]"));
    }
}

public sealed class TeamPanelTests : WallTestContext
{
    [Theory]
    [InlineData(59, "normal")]
    [InlineData(60, "warn")]
    [InlineData(119, "warn")]
    [InlineData(120, "alert")]
    public void Render_OnSceneTeam_TurnsAmberThenRedWithElapsedTime(int minutesOnScene, string level)
    {
        var team = new WallTeamRow("TM-006", "湖滨街道治安巡防队", TeamType.SecurityPatrol, NodeLevel.Town, TeamStatus.OnScene, Time.GetUtcNow(), "楼道堆物", null, null);

        var cut = Render<TeamPanel>(p => p.Add(c => c.Teams, [team]).Add(c => c.Now, Time.GetUtcNow().AddMinutes(minutesOnScene)));

        Assert.Contains($"threshold-{level}", cut.Find("[data-team=TM-006]").ClassList);
    }

    [Fact]
    public void Render_ListsOnlyTeamsAtWork_LongestFirst()
    {
        var now = Time.GetUtcNow();
        WallTeamRow Team(string code, TeamStatus status, int minutes) =>
            new(code, code, TeamType.Medical, NodeLevel.Community, status, now.AddMinutes(-minutes), null, null, null);

        var cut = Render<TeamPanel>(p => p
            .Add(c => c.Teams, [Team("A", TeamStatus.EnRoute, 3), Team("B", TeamStatus.Available, 50), Team("C", TeamStatus.OnScene, 30), Team("D", TeamStatus.OffDuty, 90)])
            .Add(c => c.Now, now));

        Assert.Equal(["C", "A"], cut.FindAll("[data-testid=team]").Select(e => e.GetAttribute("data-team")));
        Assert.Equal("30分00秒", cut.Find("[data-team=C] [data-testid=elapsed]").TextContent);
    }

    [Fact]
    public void Render_MoreTeamsAtWorkThanThePanelHolds_ListsTheLongestAndCountsTheRest()
    {
        var now = Time.GetUtcNow();
        var teams = Enumerable.Range(0, TeamPanel.RowLimit + 12)
            .Select(i => new WallTeamRow($"T{i}", $"T{i}", TeamType.Medical, NodeLevel.Grid, TeamStatus.OnScene, now.AddMinutes(-100 + i), null, null, null))
            .ToList();

        var cut = Render<TeamPanel>(p => p.Add(c => c.Teams, teams).Add(c => c.Now, now));

        Assert.Equal(teams.Take(TeamPanel.RowLimit).Select(t => t.Code), cut.FindAll("[data-testid=team]").Select(e => e.GetAttribute("data-team")));
        Assert.Equal("另有 12 支队伍在岗", cut.Find("[data-testid=teams-more]").TextContent);
    }
}

public sealed class PetitionPanelTests : WallTestContext
{
    [Fact]
    public void Render_ShowsStageProgressHeadcountAndRoute()
    {
        var petition = new WallPetitionRow(Guid.NewGuid(), "工程欠薪", PetitionStage.Moving, 45, AttentionLevel.High, "荷花村", "市政府", Time.GetUtcNow(), TimeSpan.FromMinutes(15));

        var cut = Render<PetitionPanel>(p => p.Add(c => c.Petitions, [petition]).Add(c => c.Now, Time.GetUtcNow()));

        var stages = cut.FindAll("[data-testid=stages] .stage");
        Assert.Equal(["done", "done", "current", ""], stages.Select(s => s.ClassList.Skip(1).FirstOrDefault() ?? ""));
        Assert.Contains("约45人", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("荷花村 → 市政府", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_FollowUpOlderThanItsCadence_TurnsRed()
    {
        var lastFollowUp = Time.GetUtcNow();
        var petition = new WallPetitionRow(Guid.NewGuid(), "工程欠薪", PetitionStage.Gathering, 30, AttentionLevel.Elevated, "荷花村", "市政府", lastFollowUp, TimeSpan.FromMinutes(30));

        var cut = Render<PetitionPanel>(p => p.Add(c => c.Petitions, [petition]).Add(c => c.Now, lastFollowUp.AddMinutes(29)));
        Assert.DoesNotContain("late", cut.Find("[data-testid=follow-up]").ClassList);

        cut.Render(p => p.Add(c => c.Now, lastFollowUp.AddMinutes(31)));
        Assert.Contains("late", cut.Find("[data-testid=follow-up]").ClassList);
    }
}

public sealed class KpiTilesTests : WallTestContext
{
    private static WallKpis Kpis(int open) => new(open, open, 0, 0, 0, 2, 10, open, null);

    [Fact]
    public void Render_ChangedTile_FlashesWithItsDeltaThenSettles()
    {
        var cut = Render<KpiTiles>(p => p.Add(c => c.Kpis, Kpis(10)).Add(c => c.Now, Time.GetUtcNow()));
        Assert.DoesNotContain("changed", cut.Find("[data-testid=kpi-Open]").ClassList);

        cut.Render(p => p.Add(c => c.Kpis, Kpis(13)).Add(c => c.Now, Time.GetUtcNow().AddSeconds(1)));
        Assert.Contains("changed", cut.Find("[data-testid=kpi-Open]").ClassList);
        Assert.Equal("+3", cut.Find("[data-testid=kpi-delta-Open]").TextContent);
        Assert.Equal("13", cut.Find("[data-testid=kpi-Open] .kpi-value").TextContent);

        cut.Render(p => p.Add(c => c.Now, Time.GetUtcNow().AddSeconds(1) + KpiTiles.FlashFor));
        Assert.DoesNotContain("changed", cut.Find("[data-testid=kpi-Open]").ClassList);
        Assert.Empty(cut.FindAll("[data-testid=kpi-delta-Open]"));
    }

    [Fact]
    public void Render_NoAcknowledgementDueYet_ShowsADashNotZero()
    {
        var cut = Render<KpiTiles>(p => p.Add(c => c.Kpis, Kpis(1)).Add(c => c.Now, Time.GetUtcNow()));

        Assert.Equal("—", cut.Find("[data-testid=kpi-OnTimeAck] .kpi-value").TextContent);
    }
}

public sealed class WallHeaderTests : WallTestContext
{
    [Theory]
    [InlineData(3, "live", "实时")]
    [InlineData(20, "stale", "数据已 20 秒未更新")]
    public void Render_ShowsHowFreshTheDataIs(int secondsOld, string cssClass, string text)
    {
        var cut = Render<WallHeader>(p => p
            .Add(c => c.ScopeName, "明湖市")
            .Add(c => c.Now, Time.GetUtcNow())
            .Add(c => c.LastDataAt, Time.GetUtcNow().AddSeconds(-secondsOld)));

        var freshness = cut.Find("[data-testid=freshness]");
        Assert.Contains(cssClass, freshness.ClassList);
        Assert.Equal(text, freshness.TextContent);
    }

    [Fact]
    public void Render_Live_TheDotBlinksWithTheSecondThePageRendersAt()
    {
        var even = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero); // a whole minute: an even second
        IRenderedComponent<WallHeader> At(DateTimeOffset now) => Render<WallHeader>(p => p
            .Add(c => c.ScopeName, "明湖市").Add(c => c.Now, now).Add(c => c.LastDataAt, even.AddSeconds(-2)));

        Assert.Contains("beat", At(even).Find("[data-testid=freshness]").ClassList);
        Assert.DoesNotContain("beat", At(even.AddSeconds(1)).Find("[data-testid=freshness]").ClassList);
        Assert.Contains("beat", At(even.AddSeconds(2)).Find("[data-testid=freshness]").ClassList);
    }

    [Fact]
    public void Render_Stale_DoesNotBlink()
    {
        var even = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

        var cut = Render<WallHeader>(p => p.Add(c => c.ScopeName, "明湖市").Add(c => c.Now, even).Add(c => c.LastDataAt, even.AddSeconds(-60)));

        var freshness = cut.Find("[data-testid=freshness]");
        Assert.Contains("stale", freshness.ClassList);
        Assert.DoesNotContain("beat", freshness.ClassList);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public void Render_ServersUnlinked_SaysThisWallShowsOnlyThisServersChanges(bool unlinked, int badges)
    {
        var cut = Render<WallHeader>(p => p.Add(c => c.ScopeName, "明湖市").Add(c => c.Now, Time.GetUtcNow()).Add(c => c.ServersUnlinked, unlinked));

        var shown = cut.FindAll("[data-testid=servers-unlinked]");
        Assert.Equal(badges, shown.Count);
        Assert.All(shown, badge => Assert.Equal("服务器间同步中断：仅显示本服务器的变化", badge.TextContent));
    }

    [Fact]
    public void Render_MetricsLagging_ShowsHowManyPointsTheMetricStoreIsBehind()
    {
        var cut = Render<WallHeader>(p => p.Add(c => c.ScopeName, "明湖市").Add(c => c.Now, Time.GetUtcNow()).Add(c => c.MetricsLaggingBy, 12_345L));

        Assert.Equal("指标数据滞后 12345 条", cut.Find("[data-testid=metrics-lag]").TextContent);
        Assert.Contains("metrics-lag", cut.Find("[data-testid=metrics-lag]").ClassList);
    }

    [Fact]
    public void Render_MetricsLaggingInEnglish_SaysMetricsLaggingByNPoints()
    {
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("en");

        var cut = Render<WallHeader>(p => p.Add(c => c.ScopeName, "Minghu").Add(c => c.Now, Time.GetUtcNow()).Add(c => c.MetricsLaggingBy, 42L));

        Assert.Equal("metrics lagging by 42 points", cut.Find("[data-testid=metrics-lag]").TextContent);
    }

    [Fact]
    public void Render_MetricsNotLagging_ShowsNoNotice()
    {
        var cut = Render<WallHeader>(p => p.Add(c => c.ScopeName, "明湖市").Add(c => c.Now, Time.GetUtcNow()));

        Assert.Empty(cut.FindAll("[data-testid=metrics-lag]"));
    }

    [Fact]
    public void Render_ClockShowsCityTime()
    {
        var cut = Render<WallHeader>(p => p.Add(c => c.ScopeName, "明湖市").Add(c => c.Now, Time.GetUtcNow()));

        Assert.Contains("10:00:00", cut.Find("[data-testid=clock]").TextContent, StringComparison.Ordinal); // 02:00Z is 10:00 in the city
    }
}

public sealed class RankingAndMapTests : WallTestContext
{
    [Fact]
    public void Ranking_ShowsTopRowsWithCounts()
    {
        var rows = Enumerable.Range(1, 8).Select(i => new RankingRow($"T{i}", $"镇{i}", 20 - i, 0)).ToList();

        var cut = Render<RankingPanel>(p => p.Add(c => c.Rows, rows).Add(c => c.Title, "Panel_RankingTowns"));

        Assert.Equal(6, cut.FindAll("[data-testid=ranking-row]").Count);
        Assert.Contains("镇街事件排名", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_ColoursGridsByLoadAndRingsNewMajorAlerts()
    {
        await UseStoreAsync();
        var geometry = Services.GetRequiredService<WallGeometry>();
        var busy = DemoCity.GridCode(0, 0, 1);
        var point = DemoCity.Map().Find(busy)!.Boundary.InteriorPoint;

        var cut = Render<CityMapPanel>(p => p
            .Add(c => c.Map, geometry.For("330188"))
            .Add(c => c.OpenByGrid, new Dictionary<string, int> { [busy] = 7 })
            .Add(c => c.Markers, [new WallMarker(Guid.NewGuid(), Severity.Critical, point.Y, point.X, Time.GetUtcNow())])
            .Add(c => c.Now, Time.GetUtcNow())
            .Add(c => c.Teams, [])
            .Add(c => c.SilentGrids, new HashSet<string>())
            .Add(c => c.LateGrids, new Dictionary<string, int>()));

        Assert.Equal(300, cut.FindAll("path[data-grid]").Count);
        Assert.Contains("load-3", cut.Find($"path[data-grid='{busy}']").ClassList);
        Assert.Contains("load-0", cut.Find($"path[data-grid='{DemoCity.GridCode(0, 0, 2)}']").ClassList);
        Assert.Contains("sev-critical", cut.Find("[data-testid=marker]").ClassList);
        Assert.Contains("sev-critical", cut.Find("[data-testid=marker-halo]").ClassList);
        Assert.Equal(6, cut.FindAll("text.child-name").Count);
    }

    [Fact]
    public async Task Map_NewMajorAlertsHalo_BlinksWithTheSecondThePageRendersAt()
    {
        await UseStoreAsync();
        var grid = DemoCity.GridCode(0, 0, 1);
        var point = DemoCity.Map().Find(grid)!.Boundary.InteriorPoint;
        var even = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero); // a whole minute: an even second
        var cut = Render<CityMapPanel>(p => p
            .Add(c => c.Map, Services.GetRequiredService<WallGeometry>().For("330188"))
            .Add(c => c.OpenByGrid, new Dictionary<string, int>())
            .Add(c => c.Markers, [new WallMarker(Guid.NewGuid(), Severity.Major, point.Y, point.X, even)])
            .Add(c => c.Now, even)
            .Add(c => c.Teams, [])
            .Add(c => c.SilentGrids, new HashSet<string>())
            .Add(c => c.LateGrids, new Dictionary<string, int>()));
        Assert.Contains("beat", cut.Find("[data-testid=marker-halo]").ClassList);

        cut.Render(p => p.Add(c => c.Now, even.AddSeconds(1)));
        Assert.DoesNotContain("beat", cut.Find("[data-testid=marker-halo]").ClassList);

        cut.Render(p => p.Add(c => c.Now, even.AddSeconds(2)));
        Assert.Contains("beat", cut.Find("[data-testid=marker-halo]").ClassList);
    }

    [Fact]
    public async Task Map_SilentGrids_AreHatchedAndCountedInTheLegend()
    {
        await UseStoreAsync();
        var silent = new HashSet<string> { DemoCity.GridCode(0, 0, 1), DemoCity.GridCode(3, 2, 5), "330199001001001" }; // the last is on no map

        var cut = RenderMap("330188", silent: silent);

        Assert.Equal([DemoCity.GridCode(0, 0, 1), DemoCity.GridCode(3, 2, 5)], cut.FindAll("path.silent-grid").Select(p => p.GetAttribute("data-silent-grid")));
        Assert.Equal("静默网格 2", cut.Find("[data-testid=legend-silent]").TextContent);
        Assert.All(cut.FindAll("path.silent-grid"), p => Assert.Equal("url(#silent-hatch)", p.GetAttribute("fill")));
        Assert.NotNull(cut.Find("pattern#silent-hatch"));
    }

    [Fact]
    public async Task Map_TownMap_CountsOnlyItsOwnSilentGrids()
    {
        await UseStoreAsync();

        var cut = RenderMap(DemoCity.TownCode(0), silent: new HashSet<string> { DemoCity.GridCode(0, 0, 1), DemoCity.GridCode(1, 0, 1) });

        Assert.Equal("静默网格 1", cut.Find("[data-testid=legend-silent]").TextContent);
        Assert.Single(cut.FindAll("path.silent-grid"));
    }

    [Fact]
    public async Task Map_GridsWithLateReportsToday_AreOutlinedBadgedAndCounted()
    {
        await UseStoreAsync();
        var late = new Dictionary<string, int> { [DemoCity.GridCode(0, 0, 1)] = 2, [DemoCity.GridCode(2, 1, 3)] = 1 };

        var cut = RenderMap("330188", late: late);

        Assert.Equal(late.Keys.Order(), cut.FindAll("path.late-grid").Select(p => p.GetAttribute("data-late-grid")!).Order());
        Assert.Equal(2, cut.FindAll("[data-late-badge]").Count);
        Assert.Equal("迟", cut.Find($"[data-late-badge='{DemoCity.GridCode(0, 0, 1)}'] text").TextContent);
        Assert.Equal("今日迟报网格 2", cut.Find("[data-testid=legend-late]").TextContent);
        Assert.Empty(cut.FindAll("path.silent-grid"));
    }

    private IRenderedComponent<CityMapPanel> RenderMap(string scope, IReadOnlySet<string>? silent = null, IReadOnlyDictionary<string, int>? late = null) =>
        Render<CityMapPanel>(p => p
            .Add(c => c.Map, Services.GetRequiredService<WallGeometry>().For(scope))
            .Add(c => c.OpenByGrid, new Dictionary<string, int>())
            .Add(c => c.Markers, [])
            .Add(c => c.Now, Time.GetUtcNow())
            .Add(c => c.Teams, [])
            .Add(c => c.SilentGrids, silent ?? new HashSet<string>())
            .Add(c => c.LateGrids, late ?? new Dictionary<string, int>()));

    [Fact]
    public void Trend_StacksEachBucketBySeverity()
    {
        var start = Time.GetUtcNow();
        var buckets = Enumerable.Range(0, 36).Select(i => new TrendBucket(start.AddMinutes(10 * i), i == 35 ? 4 : 0, i == 35 ? 2 : 0, 0, i == 35 ? 1 : 0)).ToList();

        var cut = Render<TrendPanel>(p => p.Add(c => c.Buckets, buckets));

        var bars = cut.FindAll("rect.bar");
        Assert.Equal(36 * 4, bars.Count);
        var last = bars.Skip(35 * 4).Select(b => double.Parse(b.GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4.0 / 7, last[0] / last.Sum(), 2); // heights are written to 0.1 px
        Assert.Equal(0, last[2]);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(10, 3)]
    [InlineData(11, 4)]
    public void Map_LoadBandsMatchTheLegend(int open, int band) => Assert.Equal(band, CityMapPanel.LoadClass(open));
}
