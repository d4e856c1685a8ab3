using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Hotspots;
using CommandCenter.Infrastructure.Tests.Workflow;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Hotspots;

/// <summary>The drill-down's numbers from a real store: ranking by hotspot score, reports against the period before, the alert list.</summary>
public sealed class HotspotServiceTests
{
    private static readonly DateTimeOffset From = StoreHost.Start.AddHours(-1);
    private static readonly DateTimeOffset To = StoreHost.Start.AddHours(1);

    [Fact]
    public async Task ViewAsync_City_RanksTownsByScoreAndCountsOverdue()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await RaiseAsync(host, DemoCity.GridCode(2, 0, 1), "a", Severity.Critical);
        await RaiseAsync(host, DemoCity.GridCode(0, 0, 1), "b", Severity.General);
        await RaiseAsync(host, DemoCity.GridCode(0, 1, 1), "c", Severity.General);
        host.Time.Advance(TimeSpan.FromMinutes(40)); // past the 30-minute acknowledge deadline of the general thefts

        var view = await host.Get<HotspotService>().ViewAsync(Staff.CityCode, From, To);

        Assert.Equal(["330188003", "330188001"], view.Ranking.Take(2).Select(r => r.Node.Code));
        var hubin = view.Ranking[1];
        Assert.Equal((2, 2, 6), (hubin.Load.OpenAlerts, hubin.Load.Overdue, hubin.Load.Score));
        Assert.Equal(6, view.Ranking.Count);
        Assert.Equal(3, view.Load.OpenAlerts);
    }

    [Fact]
    public async Task ViewAsync_Town_RanksItsCommunitiesAndBreadcrumbRunsFromTheCity()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await RaiseAsync(host, DemoCity.GridCode(0, 3, 1), "a", Severity.Major);

        var view = await host.Get<HotspotService>().ViewAsync(Staff.TownCode, From, To);

        Assert.Equal(["330188", Staff.TownCode], view.Breadcrumb.Select(n => n.Code));
        Assert.Equal(5, view.Ranking.Count);
        Assert.Equal(("330188001004", 3), (view.Ranking[0].Node.Code, view.Ranking[0].Load.Score));
    }

    [Fact]
    public async Task ViewAsync_ClosedAlerts_LeaveTheLoadButStayInTheListAndTheReports()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alert = await RaiseAsync(host, Staff.AlertGrid, "a", Severity.General);
        await host.ApplyAsync(alert, AlertAction.Void, Staff.CityDutyOfficer, "重复");

        var view = await host.Get<HotspotService>().ViewAsync(Staff.CommunityCode, From, To);

        Assert.Equal(0, view.Load.Score);
        Assert.Equal(1, view.Reported);
        Assert.Equal([alert], view.Alerts.Select(a => a.Id));
    }

    [Fact]
    public async Task ViewAsync_ReportsAgainstThePeriodBefore()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await RaiseAsync(host, DemoCity.GridCode(0, 0, 1), "before-1", Severity.General);
        await RaiseAsync(host, DemoCity.GridCode(0, 0, 2), "before-2", Severity.General);
        host.Time.Advance(TimeSpan.FromHours(2));
        await RaiseAsync(host, DemoCity.GridCode(0, 0, 3), "now-1", Severity.General);
        await RaiseAsync(host, DemoCity.GridCode(0, 0, 4), "now-2", Severity.General);
        await RaiseAsync(host, DemoCity.GridCode(0, 0, 5), "now-3", Severity.General);

        var view = await host.Get<HotspotService>().ViewAsync(Staff.CityCode, StoreHost.Start.AddHours(1), StoreHost.Start.AddHours(3));

        var hubin = view.Ranking.Single(r => r.Node.Code == Staff.TownCode);
        Assert.Equal((3, 2), (hubin.Reported, hubin.ReportedBefore));
        Assert.Equal(0.5, hubin.Change);
        Assert.Null(view.Ranking.Single(r => r.Node.Code == "330188002").Change);
        Assert.Equal(3, view.AlertCount);
    }

    [Fact]
    public async Task ViewAsync_Grid_HasNoChildrenButListsItsAlerts()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await RaiseAsync(host, Staff.AlertGrid, "a", Severity.Serious);

        var view = await host.Get<HotspotService>().ViewAsync(Staff.AlertGrid, From, To);

        Assert.Empty(view.Ranking);
        Assert.Single(view.Alerts);
        Assert.Equal(6, view.Load.Score);
        Assert.Equal(4, view.Breadcrumb.Count);
    }

    [Fact]
    public async Task ViewAsync_UnknownNodeOrEmptyPeriod_Refuses()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<HotspotService>();

        await Assert.ThrowsAsync<DomainRuleException>(() => service.ViewAsync("999", From, To));
        await Assert.ThrowsAsync<DomainRuleException>(() => service.ViewAsync(Staff.CityCode, To, From));
    }

    private static async Task<Guid> RaiseAsync(StoreHost host, string grid, string externalId, Severity severity) =>
        (await host.Get<AlertIngestionService>().IngestAsync(
            new NewAlertReport(AlertSource.GridWorker, externalId, "0101", severity, grid, null, host.Time.GetUtcNow(), "电动车被盗"), Actors.Hotline)).Alert.Id;
}
