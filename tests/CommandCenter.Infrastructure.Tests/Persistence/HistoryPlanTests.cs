using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Supervision;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// Plans on a store holding history: supervision reads a period of the alerts' audit trail by subject and time, and
/// the console's total of open alerts city-wide is counted from the open-alert index rather than by reading an index
/// over every alert the city ever had.
/// </summary>
public sealed class HistoryPlanTests
{
    [Fact]
    public async Task SupervisionSteps_AreARangeOfTheAlertsTrailByTime()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using var db = host.NewDbContext();

        var plan = await QueryPlans.ExplainAsync(db, SupervisionService.ScoredSteps(db.AuditEntries, host.Time.GetUtcNow().AddDays(-30)).ToQueryString());

        Assert.Contains("IX_AuditEntries_Subject_At (Subject=? AND At>?)", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWallsLoad_ReadsAlertsChangedLatelyAsARangeOfTheUpdatedAtIndex()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using var db = host.NewDbContext();

        var plan = await QueryPlans.ExplainAsync(db, Infrastructure.Wall.StoreWallSnapshotSource.ChangedSinceReportedBefore(db.Alerts, host.Time.GetUtcNow().AddHours(-6)).ToQueryString());

        Assert.Equal("SEARCH a USING INDEX IX_Alerts_UpdatedAt (UpdatedAt>?)", plan);
    }

    [Fact]
    public async Task OpenAlertsCityWide_AreCountedFromTheOpenIndex_NotFromAnIndexOverEveryAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await History.WriteAsync(host.Get<IDbContextFactory<CommandCenterDbContext>>(), host.Get<ReferenceData>(), 5_000, host.Time.GetUtcNow(), TimeSpan.FromDays(365));
        await using var db = host.NewDbContext();
        var open = db.Alerts.InSubtree(host.Get<ReferenceData>().Map.City).WhereOpen();

        var plan = await QueryPlans.ExplainAsync(db, open.Select(a => a.Id).ToQueryString().Replace("\"a\".\"Id\"", "COUNT(*)", StringComparison.Ordinal));

        Assert.Contains("IX_Alerts_Open", plan, StringComparison.Ordinal);
        Assert.Equal(await open.CountAsync(), await db.Alerts.CountAsync(a => a.State != Core.Alerts.AlertState.Closed && a.State != Core.Alerts.AlertState.Voided));
    }
}
