using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Alerts;

/// <summary>
/// A batch's two reads must seek their indexes, not scan the tables: both grow with every report for as long as the
/// store lives, and a scan per batch would make ingestion slower by the month.
/// </summary>
public sealed class IngestionBatchPlanTests
{
    [Fact]
    public async Task SeenBefore_IsAnsweredFromTheSourceAndExternalIdIndex()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using var db = host.NewDbContext();
        var query = AlertIngestionService.SeenBefore(db.AlertReports, [AlertSource.Hotline, AlertSource.GridWorker], ["a-1", "a-2"]).ToQueryString();

        var plan = await QueryPlans.ExplainAsync(db, query);

        Assert.Contains("USING INDEX IX_AlertReports_Source_ExternalId (Source=? AND ExternalId=?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN AlertReports", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenSince_IsAnsweredFromTheGridCategoryAndLastReportedIndex()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using var db = host.NewDbContext();
        var grids = new List<string> { DemoCity.GridCode(0, 0, 1), DemoCity.GridCode(1, 2, 3) };
        var query = AlertIngestionService.OpenSince(db.Alerts, grids, ["0101", "0201"], host.Time.GetUtcNow()).ToQueryString();

        var plan = await QueryPlans.ExplainAsync(db, query);

        Assert.Contains("USING INDEX IX_Alerts_GridCode_CategoryCode_LastReportedAt (GridCode=? AND CategoryCode=? AND LastReportedAt>?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN Alerts", plan, StringComparison.Ordinal);
    }
}
