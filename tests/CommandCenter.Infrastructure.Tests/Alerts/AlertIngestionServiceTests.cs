using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Tests.Alerts;

public sealed class AlertIngestionServiceTests
{
    private static readonly string GridCode = DemoCity.GridCode(1, 2, 3);

    [Fact]
    public async Task IngestAsync_NewReport_RaisesReportedAlertPlacedInItsGrid()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(GridCode), Actors.Hotline);

        Assert.Equal(IngestOutcome.Created, result.Outcome);
        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync();
        Assert.Equal(result.Alert.Id, stored.Id);
        Assert.Equal(AlertState.Reported, stored.State);
        Assert.Equal(GridCode, stored.GridCode);
        Assert.Equal(GridCode[..12], stored.CommunityCode);
        Assert.Equal(GridCode[..9], stored.TownCode);
    }

    [Fact]
    public async Task IngestAsync_NewReport_StoresTheReportAndARaisedAuditEntry()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(GridCode, externalId: "hl-100"), Actors.Hotline);

        await using var db = host.NewDbContext();
        var report = await db.AlertReports.SingleAsync();
        Assert.Equal((result.Alert.Id, AlertSource.Hotline, "hl-100"), (report.AlertId, report.Source, report.ExternalId));
        var audit = await db.AuditEntries.ExceptSetUp().SingleAsync();
        Assert.Equal((AuditSubject.Alert, result.Alert.Id.ToString(), AuditAction.Raised), (audit.Subject, audit.SubjectId, audit.Action));
        Assert.Equal((Actors.Hotline.Name, nameof(AlertState.Reported)), (audit.Actor, audit.ToState));
        Assert.Equal(StoreHost.Start, audit.At);
    }

    [Fact]
    public async Task IngestAsync_SameSourceAndExternalIdAgain_IsDuplicateAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        var first = await service.IngestAsync(Reports.InGrid(GridCode), Actors.Hotline);
        host.Time.Advance(TimeSpan.FromMinutes(1));

        var again = await service.IngestAsync(Reports.InGrid(GridCode), Actors.Hotline);

        Assert.Equal(IngestOutcome.Duplicate, again.Outcome);
        Assert.Equal(first.Alert.Id, again.Alert.Id);
        Assert.Equal(0, again.Alert.RepeatCount);
        await using var db = host.NewDbContext();
        Assert.Equal((1, 1, 1), (await db.Alerts.CountAsync(), await db.AlertReports.CountAsync(), await db.AuditEntries.ExceptSetUp().CountAsync()));
    }

    [Fact]
    public async Task IngestAsync_SameExternalIdFromAnotherSource_IsNotDuplicate()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        await service.IngestAsync(Reports.InGrid(GridCode, source: AlertSource.Hotline), Actors.Hotline);

        var other = await service.IngestAsync(Reports.InGrid(GridCode, source: AlertSource.Public), Actors.Hotline);

        Assert.Equal(IngestOutcome.Merged, other.Outcome);
    }

    [Fact]
    public async Task IngestAsync_RepeatInSameGridAndCategoryWithinWindow_MergesIntoTheOpenAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        var first = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a"), Actors.Hotline);
        host.Time.Advance(TimeSpan.FromMinutes(10));

        var repeat = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b"), Actors.Hotline);

        Assert.Equal(IngestOutcome.Merged, repeat.Outcome);
        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync();
        Assert.Equal(first.Alert.Id, stored.Id);
        Assert.Equal(1, stored.RepeatCount);
        Assert.Equal(StoreHost.Start, stored.ReportedAt);
        Assert.Equal(StoreHost.Start.AddMinutes(10), stored.LastReportedAt);
    }

    [Fact]
    public async Task IngestAsync_TheGridWorkerRepeatsWhatTheHotlineFound_IsStoredAsNotMissed()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a", source: AlertSource.Hotline), Actors.Hotline);
        await using (var before = host.NewDbContext())
        {
            Assert.True((await before.Alerts.SingleAsync()).IsMissedReport);
        }

        host.Time.Advance(TimeSpan.FromMinutes(10));
        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b", source: AlertSource.GridWorker), Actors.Hotline);

        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync();
        Assert.Equal(StoreHost.Start.AddMinutes(10), stored.WorkerReportedAt);
        Assert.False(stored.IsMissedReport);
    }

    [Fact]
    public async Task IngestAsync_Repeat_StoresTheReportAndARepeatMergedAuditEntry()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        var first = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a"), Actors.Hotline);

        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b"), Actors.Hotline);

        await using var db = host.NewDbContext();
        Assert.Equal(["a", "b"], await db.AlertReports.Where(r => r.AlertId == first.Alert.Id).OrderBy(r => r.Id).Select(r => r.ExternalId).ToListAsync());
        Assert.Equal([AuditAction.Raised, AuditAction.RepeatMerged], await db.AuditEntries.ExceptSetUp().OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
    }

    [Fact]
    public async Task IngestAsync_GraverRepeat_RaisesTheAlertsSeverity()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a", severity: Severity.General), Actors.Hotline);

        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b", severity: Severity.Serious), Actors.Hotline);

        await using var db = host.NewDbContext();
        Assert.Equal(Severity.Serious, (await db.Alerts.SingleAsync()).Severity);
    }

    [Fact]
    public async Task IngestAsync_RepeatExactlyAtTheEndOfTheWindow_Merges()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a"), Actors.Hotline);
        host.Time.Advance(TimeSpan.FromMinutes(30));

        var repeat = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b"), Actors.Hotline);

        Assert.Equal(IngestOutcome.Merged, repeat.Outcome);
    }

    [Fact]
    public async Task IngestAsync_RepeatAfterTheWindow_RaisesNewAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        var first = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a"), Actors.Hotline);
        host.Time.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromMilliseconds(1));

        var late = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b"), Actors.Hotline);

        Assert.Equal(IngestOutcome.Created, late.Outcome);
        Assert.NotEqual(first.Alert.Id, late.Alert.Id);
    }

    [Fact]
    public async Task IngestAsync_WindowRunsFromTheLatestRepeat_KeepsMergingAStreamOfRepeats()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a"), Actors.Hotline);
        host.Time.Advance(TimeSpan.FromMinutes(20));
        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b"), Actors.Hotline);
        host.Time.Advance(TimeSpan.FromMinutes(20));

        var third = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "c"), Actors.Hotline);

        Assert.Equal(IngestOutcome.Merged, third.Outcome);
        Assert.Equal(2, third.Alert.RepeatCount);
    }

    [Fact]
    public async Task IngestAsync_OtherCategoryInSameGrid_RaisesNewAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a", categoryCode: "0101"), Actors.Hotline);

        var other = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b", categoryCode: "0201"), Actors.Hotline);

        Assert.Equal(IngestOutcome.Created, other.Outcome);
    }

    [Fact]
    public async Task IngestAsync_SameCategoryInNeighbouringGrid_RaisesNewAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        await service.IngestAsync(Reports.InGrid(DemoCity.GridCode(1, 2, 3), externalId: "a"), Actors.Hotline);

        var other = await service.IngestAsync(Reports.InGrid(DemoCity.GridCode(1, 2, 4), externalId: "b"), Actors.Hotline);

        Assert.Equal(IngestOutcome.Created, other.Outcome);
    }

    [Fact]
    public async Task IngestAsync_RepeatOfAVoidedAlert_RaisesNewAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();
        var first = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a"), Actors.Hotline);
        await using (var db = host.NewDbContext())
        {
            (await db.Alerts.SingleAsync()).WalkTo(AlertState.Voided, host.Time.GetUtcNow());
            await db.SaveChangesAsync();
        }

        var repeat = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b"), Actors.Hotline);

        Assert.Equal(IngestOutcome.Created, repeat.Outcome);
        Assert.NotEqual(first.Alert.Id, repeat.Alert.Id);
    }

    [Fact]
    public async Task IngestAsync_MergeWindowSetting_IsHonoured()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: new Dictionary<string, string?> { ["Alerts:MergeWindow"] = "00:05:00" });
        var service = host.Get<AlertIngestionService>();
        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a"), Actors.Hotline);
        host.Time.Advance(TimeSpan.FromMinutes(6));

        var repeat = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b"), Actors.Hotline);

        Assert.Equal(IngestOutcome.Created, repeat.Outcome);
    }

    [Fact]
    public async Task IngestAsync_LocationOnly_PlacesTheAlertInTheGridAroundThePoint()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var inside = DemoCity.Map().Find(GridCode)!.Boundary.InteriorPoint;
        var point = new GeoPoint(inside.Y, inside.X);

        var result = await host.Get<AlertIngestionService>().IngestAsync(Reports.AtPoint(point), Actors.Hotline);

        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync(a => a.Id == result.Alert.Id);
        Assert.Equal((GridCode, GridCode[..12], GridCode[..9]), (stored.GridCode, stored.CommunityCode, stored.TownCode));
        Assert.Equal((point.Latitude, point.Longitude), (stored.Latitude, stored.Longitude));
    }

    [Fact]
    public async Task IngestAsync_LocationOutsideTheCity_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var error = await Assert.ThrowsAsync<DomainRuleException>(() =>
            host.Get<AlertIngestionService>().IngestAsync(Reports.AtPoint(new GeoPoint(31.5, 121.5)), Actors.Hotline));

        Assert.Contains("outside", error.Message);
        await using var db = host.NewDbContext();
        Assert.False(await db.Alerts.AnyAsync());
    }

    [Fact]
    public async Task IngestAsync_UnknownGrid_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var error = await Assert.ThrowsAsync<DomainRuleException>(() =>
            host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid("330188009009009"), Actors.Hotline));

        Assert.Contains("330188009009009", error.Message);
    }

    [Fact]
    public async Task IngestAsync_CommunityCodeInsteadOfGrid_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await Assert.ThrowsAsync<DomainRuleException>(() =>
            host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(GridCode[..12]), Actors.Hotline));
    }

    [Fact]
    public async Task IngestAsync_UnknownCategory_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var error = await Assert.ThrowsAsync<DomainRuleException>(() =>
            host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(GridCode, categoryCode: "9999"), Actors.Hotline));

        Assert.Contains("9999", error.Message);
    }

    [Theory]
    [InlineData(Severity.General)]
    [InlineData(Severity.Major)]
    [InlineData(Severity.Serious)]
    [InlineData(Severity.Critical)]
    public async Task IngestAsync_OccurredLongerAgoThanTheSeveritysLimit_FlagsLateReport(Severity severity)
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var limit = DemoCity.Load().Policy.LateReportLimits[severity];
        var report = Reports.InGrid(GridCode, severity: severity, occurredAt: StoreHost.Start - limit - TimeSpan.FromMinutes(1));

        var result = await host.Get<AlertIngestionService>().IngestAsync(report, Actors.Hotline);

        await using var db = host.NewDbContext();
        Assert.True((await db.Alerts.SingleAsync(a => a.Id == result.Alert.Id)).IsLateReport);
        Assert.Equal("Late report (迟报)", (await db.AuditEntries.ExceptSetUp().SingleAsync()).Comment);
    }

    [Theory]
    [InlineData(Severity.General)]
    [InlineData(Severity.Critical)]
    public async Task IngestAsync_OccurredExactlyTheSeveritysLimitAgo_IsNotLate(Severity severity)
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var limit = DemoCity.Load().Policy.LateReportLimits[severity];
        var report = Reports.InGrid(GridCode, severity: severity, occurredAt: StoreHost.Start - limit);

        var result = await host.Get<AlertIngestionService>().IngestAsync(report, Actors.Hotline);

        await using var db = host.NewDbContext();
        Assert.False((await db.Alerts.SingleAsync(a => a.Id == result.Alert.Id)).IsLateReport);
    }

    [Fact]
    public async Task IngestAsync_SameReportTwentyTimesAtOnce_StoresOneAlertAndOneReport()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();

        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => service.IngestAsync(Reports.InGrid(GridCode, externalId: "burst"), Actors.Hotline))));

        Assert.Single(results, r => r.Outcome == IngestOutcome.Created);
        Assert.Single(results.Select(r => r.Alert.Id).Distinct());
        await using var db = host.NewDbContext();
        Assert.Equal((1, 1), (await db.Alerts.CountAsync(), await db.AlertReports.CountAsync()));
    }

    [Fact]
    public async Task IngestAsync_TwentyDifferentReportsOfTheSameThingAtOnce_MergeIntoOneAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<AlertIngestionService>();

        await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => service.IngestAsync(Reports.InGrid(GridCode, externalId: $"storm-{i}"), Actors.Hotline))));

        await using var db = host.NewDbContext();
        Assert.Equal(19, (await db.Alerts.SingleAsync()).RepeatCount);
        Assert.Equal(20, await db.AlertReports.CountAsync());
    }

    [Fact]
    public async Task IngestAsync_NewThenRepeat_PublishesRaisedThenRepeatMergedWithTheAlertsScope()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var service = host.Get<AlertIngestionService>();
        var first = await service.IngestAsync(Reports.InGrid(GridCode, externalId: "a"), Actors.Hotline);
        await service.IngestAsync(Reports.InGrid(GridCode, externalId: "b"), Actors.Hotline);

        var raised = await feed.NextAsync<AlertChanged>();
        var merged = await feed.NextAsync<AlertChanged>();

        var scope = new NodePath("330188", GridCode[..9], GridCode[..12], GridCode);
        Assert.Equal((AlertChange.Raised, first.Alert.Id, 0, scope), (raised.Change, raised.AlertId, raised.RepeatCount, raised.Scope));
        Assert.Equal((AlertChange.RepeatMerged, first.Alert.Id, 1, scope), (merged.Change, merged.AlertId, merged.RepeatCount, merged.Scope));
    }

    [Fact]
    public async Task IngestAsync_Duplicate_PublishesNothing()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var service = host.Get<AlertIngestionService>();
        await service.IngestAsync(Reports.InGrid(GridCode), Actors.Hotline);

        await service.IngestAsync(Reports.InGrid(GridCode), Actors.Hotline);

        Assert.Single(feed.Published);
    }

    [Fact]
    public async Task IngestAsync_EachReport_IsLoggedOnceAtInformation_ASentAgainOneToo()
    {
        using var dir = new TempDirectory();
        var log = new RecordingLogger<AlertIngestionService>();
        await using var host = await StoreHost.StartAsync(dir.Path, configure: services =>
            services.AddSingleton<ILogger<AlertIngestionService>>(log));
        var service = host.Get<AlertIngestionService>();
        var report = Reports.InGrid(GridCode, externalId: "retry-1");

        var stored = await service.IngestAsync(report, Actors.Hotline);
        await service.IngestAsync(report, Actors.Hotline);

        var lines = log.Entries.Where(e => e.Level == LogLevel.Information).Select(e => e.Message).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains($"Alert {stored.Alert.Id} Created from Hotline/retry-1", lines[0], StringComparison.Ordinal);
        Assert.Equal($"Report Hotline/retry-1 sent again: already stored as alert {stored.Alert.Id}", lines[1]);
    }
}
