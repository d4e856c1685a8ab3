using Bunit;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Hotspots;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Pages;
using CommandCenter.Web.Tests.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Web.Tests.Leaders;

/// <summary>
/// The leaders' drill-down on a real store: 石桥镇 (330188006) has a critical case, 湖滨街道 (330188001) two general
/// ones. Trends come from a metric reader the test controls.
/// </summary>
public sealed class HotspotsPageTests : WallTestContext
{
    private readonly FixedReader _metrics = new();

    [Fact]
    public async Task City_RanksTownsByHeatWithTheHottestFirst()
    {
        await StoreWithAlertsAsync();

        var page = Render<Hotspots>();

        var rows = page.FindAll("[data-testid=ranking-row]");
        Assert.Equal(6, rows.Count);
        Assert.Equal(["330188006", "330188001"], rows.Take(2).Select(r => r.GetAttribute("data-child")));
        Assert.Equal("12", page.Find("[data-testid=node-score]").TextContent); // 10 (critical) + 1 + 1
        Assert.Equal(6, page.FindAll("[data-testid=hot-map] path.child").Count);
        Assert.Contains("heat-2", page.Find("[data-testid=hot-map] path[data-child='330188006']").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClickingATownInTheRanking_OpensThatTown()
    {
        await StoreWithAlertsAsync();
        var page = Render<Hotspots>();

        page.Find("[data-testid=ranking-row][data-child='330188006']").Click();

        Assert.EndsWith("/hotspots/330188006?range=24h", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClickingATownOnTheMap_OpensThatTown()
    {
        await StoreWithAlertsAsync();
        var page = Render<Hotspots>();

        page.Find("[data-testid=hot-map] path[data-child='330188001']").Click();

        Assert.EndsWith("/hotspots/330188001?range=24h", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Community_BreadcrumbLeadsBackUpAndTheAlertsAreListed()
    {
        await StoreWithAlertsAsync();

        var page = Render<Hotspots>(p => p.Add(c => c.NodeCode, "330188001002"));

        Assert.Equal(["330188", "330188001"], page.FindAll("[data-testid=breadcrumb] a").Select(a => a.GetAttribute("data-node")));
        Assert.Equal("330188001002", page.Find("[data-testid=breadcrumb] .here").GetAttribute("data-node"));
        Assert.Single(page.FindAll("[data-testid=hot-alert]"));
        Assert.Equal(10, page.FindAll("[data-testid=ranking-row]").Count); // its grids
    }

    [Fact]
    public async Task Grid_HasNoRankingButItsAlerts()
    {
        await StoreWithAlertsAsync();

        var page = Render<Hotspots>(p => p.Add(c => c.NodeCode, DemoCity.GridCode(0, 1, 2)));

        Assert.Empty(page.FindAll("[data-testid=ranking-row]"));
        Assert.Single(page.FindAll("[data-testid=hot-alert]"));
    }

    [Fact]
    public async Task TownLeader_AskingForAnotherTown_IsToldNo()
    {
        SignedInAs("330188001", "Leader");
        await StoreWithAlertsAsync();

        var page = Render<Hotspots>(p => p.Add(c => c.NodeCode, "330188006"));

        Assert.Equal("无权查看 石桥镇：不在您的辖区内。", page.Find("[data-testid=hot-error]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=ranking-row]"));
    }

    [Fact]
    public async Task Trends_OneChartPerTopLevelCategoryWithTheChangeOnThePeriodBefore()
    {
        await StoreWithAlertsAsync();
        var now = Time.GetUtcNow();
        _metrics.Answer = query => query.From < now.AddHours(-24)
            ? [new MetricValue(now.AddHours(-30), "01", 2)]
            : [new MetricValue(now.AddHours(-3), "01", 3)];

        var page = Render<Hotspots>();

        Assert.Equal(7, page.FindAll("[data-testid=trend-chart]").Count);
        var security = page.Find("[data-testid=trend-chart][data-kind='01']");
        Assert.Equal("3", security.QuerySelector("[data-testid=trend-total]")!.TextContent);
        Assert.Equal("+50 %", security.QuerySelector("[data-testid=trend-change]")!.TextContent);
    }

    [Fact]
    public async Task Trends_MetricStoreDown_SaysSoAndTheRestOfThePageWorks()
    {
        await StoreWithAlertsAsync();
        _metrics.Answer = _ => throw new MetricStoreException("unreachable");

        var page = Render<Hotspots>();

        Assert.Single(page.FindAll("[data-testid=trends-unavailable]"));
        Assert.Equal(6, page.FindAll("[data-testid=ranking-row]").Count);
    }

    [Fact]
    public async Task CsvLinks_CarryTheNodeAndThePeriod()
    {
        await StoreWithAlertsAsync();

        var page = Render<Hotspots>(p => p.Add(c => c.NodeCode, "330188001"));

        Assert.StartsWith("/api/v1/hotspots/330188001/ranking.csv?from=", page.Find("[data-testid=ranking-csv]").GetAttribute("href"), StringComparison.Ordinal);
        Assert.StartsWith("/api/v1/hotspots/330188001/alerts.csv?from=", page.Find("[data-testid=alerts-csv]").GetAttribute("href"), StringComparison.Ordinal);
    }

    private async Task StoreWithAlertsAsync()
    {
        await UseStoreAsync();
        Services.AddSingleton(Store.Get<HotspotService>());
        Services.AddSingleton(new HotspotTrendService(_metrics, Store.Get<ReferenceData>(), NullLogger<HotspotTrendService>.Instance));
        var ingestion = Store.Get<AlertIngestionService>();
        await ingestion.IngestAsync(Report(DemoCity.GridCode(5, 0, 1), "a", Severity.Critical), Actor.System("test"));
        await ingestion.IngestAsync(Report(DemoCity.GridCode(0, 1, 2), "b", Severity.General), Actor.System("test"));
        await ingestion.IngestAsync(Report(DemoCity.GridCode(0, 2, 2), "c", Severity.General), Actor.System("test"));
        Time.Advance(TimeSpan.FromMinutes(1)); // the page's period ends "now", exclusive
    }

    private static NewAlertReport Report(string grid, string externalId, Severity severity) =>
        new(AlertSource.GridWorker, externalId, "0101", severity, grid, null, StoreHost.Start, "电动车被盗");

    private sealed class FixedReader : IMetricReader
    {
        public Func<MetricQuery, IReadOnlyList<MetricValue>> Answer { get; set; } = _ => [];

        public Task<IReadOnlyList<MetricValue>> QueryAsync(MetricQuery query, CancellationToken ct = default) => Task.FromResult(Answer(query));

        public Task<bool> PingAsync(CancellationToken ct = default) => Task.FromResult(true);
    }
}
