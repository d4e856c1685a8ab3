using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Supervision;
using CommandCenter.Infrastructure.Tests.Workflow;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Supervision;

/// <summary>
/// Scorecards from a real store and its audit trail: alerts are raised and worked through the services, then scored.
/// Thefts (0101, General) have 30 min to be acknowledged; the seeded policy gives them a day and more to close.
/// </summary>
public sealed class SupervisionServiceTests
{
    private static readonly DateTimeOffset From = StoreHost.Start.AddHours(-1);

    [Fact]
    public async Task ReportAsync_WorkedAlerts_CountsComeFromTheAuditTrail()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var closedLoop = await host.RaiseAsync(Staff.DemoGrid(1), "closed");
        await host.RaiseAsync(Staff.DemoGrid(2), "ignored");
        var voided = await host.RaiseAsync(Staff.DemoGrid(3), "voided");
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.ApplyAsync(closedLoop, AlertAction.Acknowledge, Staff.TownStaff);
        await host.ApplyAsync(closedLoop, AlertAction.StartHandling, Staff.TownStaff);
        await host.ApplyAsync(closedLoop, AlertAction.Resolve, Staff.TownStaff, "已处理");
        await host.ApplyAsync(closedLoop, AlertAction.SendBack, Staff.TownColleague, "未清理干净");
        await host.ApplyAsync(closedLoop, AlertAction.Resolve, Staff.TownStaff, "已清理");
        await host.ApplyAsync(closedLoop, AlertAction.Verify, Staff.TownColleague);
        await host.ApplyAsync(voided, AlertAction.Void, Staff.CityDutyOfficer, "重复");
        host.Time.Advance(TimeSpan.FromHours(1)); // the ignored one is now past its acknowledge deadline

        var report = await host.Get<SupervisionService>().ReportAsync(Staff.CityCode, NodeLevel.Town, From, StoreHost.Start.AddDays(7));

        var town = report.Cards.Single(c => c.UnitCode == Staff.TownCode);
        Assert.Equal((3, 1, 2, 1, 1, 1, 1), (town.Filed, town.Voided, town.AcknowledgeDue, town.AcknowledgedOnTime, town.Closed, town.Handled, town.Reworked));
        Assert.Equal(0.5, town.OnTimeAcknowledgeRate);
        Assert.Equal(1.0, town.ReworkRate);
        Assert.Equal(1, town.ClosureDue); // the closed one; the ignored one's closure deadline is still ahead
    }

    [Fact]
    public async Task ReportAsync_CityByTown_EveryTownHasACardAndTheTotalAddsUp()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await host.RaiseAsync(DemoCity.GridCode(0, 0, 1), "a");
        await host.RaiseAsync(DemoCity.GridCode(3, 2, 1), "b");
        await host.RaiseAsync(DemoCity.GridCode(3, 2, 2), "c");

        var report = await host.Get<SupervisionService>().ReportAsync(Staff.CityCode, NodeLevel.Town, From, StoreHost.Start.AddDays(1));

        Assert.Equal(6, report.Cards.Count);
        Assert.Equal([1, 0, 0, 2, 0, 0], report.Cards.Select(c => c.Filed));
        Assert.Equal(3, report.Total.Filed);
        Assert.Equal(Staff.CityCode, report.Total.UnitCode);
    }

    [Fact]
    public async Task ReportAsync_TownByCommunity_OnlyThatTownsCommunities()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await host.RaiseAsync(DemoCity.GridCode(0, 1, 1), "a");
        await host.RaiseAsync(DemoCity.GridCode(1, 1, 1), "elsewhere");

        var report = await host.Get<SupervisionService>().ReportAsync(Staff.TownCode, NodeLevel.Community, From, StoreHost.Start.AddDays(1));

        Assert.All(report.Cards, c => Assert.StartsWith(Staff.TownCode, c.UnitCode, StringComparison.Ordinal));
        Assert.Equal(1, report.Cards.Single(c => c.UnitCode == Staff.CommunityCode).Filed);
        Assert.Equal(1, report.Total.Filed);
    }

    [Fact]
    public async Task ReportAsync_MissedAndLateReports_AreCountedAgainstTheirTown()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var ingestion = host.Get<AlertIngestionService>();
        await ingestion.IngestAsync(Reports.InGrid(Staff.DemoGrid(4), "hotline-found", source: AlertSource.Hotline), Actors.Hotline);
        await ingestion.IngestAsync(Reports.InGrid(Staff.DemoGrid(5), "late", source: AlertSource.GridWorker, occurredAt: StoreHost.Start.AddHours(-5)), Actors.Hotline);

        var report = await host.Get<SupervisionService>().ReportAsync(Staff.CityCode, NodeLevel.Town, From, StoreHost.Start.AddDays(1));

        var town = report.Cards.Single(c => c.UnitCode == Staff.TownCode);
        Assert.Equal((1, 1), (town.MissedReports, town.LateReports));
    }

    [Fact]
    public async Task ReportAsync_AlertsOutsideThePeriod_AreLeftOut()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await host.RaiseAsync(Staff.DemoGrid(1), "before");
        host.Time.Advance(TimeSpan.FromDays(2));
        await host.RaiseAsync(Staff.DemoGrid(2), "inside");

        var report = await host.Get<SupervisionService>().ReportAsync(Staff.CityCode, NodeLevel.Town, StoreHost.Start.AddDays(1), StoreHost.Start.AddDays(3));

        Assert.Equal(1, report.Total.Filed);
    }

    [Theory]
    [InlineData(Staff.TownCode, NodeLevel.Town)]
    [InlineData(Staff.CityCode, NodeLevel.Grid)]
    [InlineData("999", NodeLevel.Town)]
    public async Task ReportAsync_NoUnitsBelowTheNode_Refuses(string scope, NodeLevel level)
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await Assert.ThrowsAsync<DomainRuleException>(() => host.Get<SupervisionService>().ReportAsync(scope, level, From, StoreHost.Start));
    }

    [Fact]
    public async Task ReportAsync_PeriodEndingBeforeItStarts_Refuses()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await Assert.ThrowsAsync<DomainRuleException>(() => host.Get<SupervisionService>().ReportAsync(Staff.CityCode, NodeLevel.Town, StoreHost.Start, From));
    }
}
