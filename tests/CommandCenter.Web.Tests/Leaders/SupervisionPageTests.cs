using Bunit;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Supervision;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Pages;
using CommandCenter.Web.Tests.Wall;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Leaders;

/// <summary>The supervision page on a real store: one card per unit under the leader's node, the lists and the formulas.</summary>
public sealed class SupervisionPageTests : WallTestContext
{
    private static readonly Operator Staff = new("u-hubin", "陈静", Role.Staff, "330188001");

    [Fact]
    public async Task CityLeader_SeesEveryTownScoredWithTheFormulas()
    {
        await StoreWithAlertsAsync();

        var page = Render<Supervision>();

        var rows = page.FindAll("[data-testid=score-row]");
        Assert.Equal(6, rows.Count);
        var hubin = page.Find("[data-testid=score-row][data-unit='330188001']");
        Assert.Equal("湖滨街道", hubin.QuerySelector(".unit")!.TextContent);
        Assert.Equal("2", hubin.Children[1].TextContent); // filed
        Assert.Equal("1", hubin.QuerySelector("[data-metric=missed]")!.TextContent);
        Assert.Contains("得分 = 100 ×", page.Find("[data-testid=formulas]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CityLeader_RateShowsPercentWithNumeratorAndDenominator()
    {
        await StoreWithAlertsAsync();
        Time.Advance(TimeSpan.FromHours(1)); // both thefts are now past their 30-minute acknowledge deadline

        var page = Render<Supervision>();

        var ack = page.Find("[data-testid=score-row][data-unit='330188001'] [data-metric=ack]");
        Assert.Equal("50.00 %", ack.TextContent);
        Assert.Equal("1 / 2", ack.GetAttribute("title"));
    }

    [Fact]
    public async Task CityLeader_SwitchesToCommunities_ThirtyRows()
    {
        await StoreWithAlertsAsync();
        var page = Render<Supervision>();

        page.Find("[data-testid=level]").Change("Community");

        page.WaitForAssertion(() => Assert.Equal(30, page.FindAll("[data-testid=score-row]").Count));
    }

    [Fact]
    public async Task TownLeader_SeesOnlyTheTownsCommunities()
    {
        SignedInAs("330188001", "Leader");
        await StoreWithAlertsAsync();

        var page = Render<Supervision>();

        var units = page.FindAll("[data-testid=score-row]").Select(r => r.GetAttribute("data-unit")!).ToList();
        Assert.Equal(5, units.Count);
        Assert.All(units, u => Assert.StartsWith("330188001", u, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=level]"));
    }

    [Fact]
    public async Task PeriodEndingBeforeItStarts_SaysSoAndKeepsTheLastReport()
    {
        await StoreWithAlertsAsync();
        var page = Render<Supervision>();

        page.Find("[data-testid=from]").Change("2026-12-20");

        Assert.Equal("统计期无效：结束日期不能早于开始日期。", page.Find("[data-testid=sup-error]").TextContent);
        Assert.Equal(6, page.FindAll("[data-testid=score-row]").Count);
    }

    [Fact]
    public async Task RedAndBlackLists_NameTheScoredTowns()
    {
        await StoreWithAlertsAsync();
        Time.Advance(TimeSpan.FromHours(1));

        var page = Render<Supervision>();

        Assert.Equal(["330188001", "330188002"], page.FindAll("[data-testid=red-list] li").Select(li => li.GetAttribute("data-unit")));
        Assert.Equal(["330188002", "330188001"], page.FindAll("[data-testid=black-list] li").Select(li => li.GetAttribute("data-unit")));
    }

    /// <summary>湖滨街道: a theft acknowledged in time and one the hotline found (missed). 望江街道: one theft, never acknowledged.</summary>
    private async Task StoreWithAlertsAsync()
    {
        await UseStoreAsync();
        Services.AddSingleton(Store.Get<SupervisionService>());
        var ingestion = Store.Get<AlertIngestionService>();
        var acked = await ingestion.IngestAsync(Report(DemoCity.GridCode(0, 1, 2), "a", AlertSource.GridWorker), Actor.System("test"));
        await ingestion.IngestAsync(Report(DemoCity.GridCode(0, 2, 2), "b", AlertSource.Hotline), Actor.System("test"));
        await ingestion.IngestAsync(Report(DemoCity.GridCode(1, 0, 2), "c", AlertSource.GridWorker), Actor.System("test"));
        await Store.Get<AlertWorkflowService>().ApplyAsync(acked.Alert.Id, AlertAction.Acknowledge, Staff, null);
    }

    private static NewAlertReport Report(string grid, string externalId, AlertSource source) =>
        new(source, externalId, "0101", Severity.General, grid, null, StoreHost.Start, "电动车被盗");
}
