using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Tests.Workflow;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Infrastructure.Tests.Monitoring;

/// <summary>
/// <see cref="LateReportService"/> on a real store with the seeded limits (General: 120 min from occurring to being
/// reported): each late alert is charged once to its grid's responsible person and its reporter — on a second run,
/// after downtime and when two runs race.
/// </summary>
public sealed class LateReportServiceTests
{
    private static readonly Person _reporter = new("李四", "13800000001");

    [Fact]
    public async Task ChargeDueAsync_OnTimeReport_ChargesNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await RaiseAsync(host, delayMinutes: 120);

        var charged = await host.Get<LateReportService>().ChargeDueAsync();

        Assert.Equal(0, charged);
        Assert.Null((await StoredAsync(host)).LateChargedAt);
    }

    [Fact]
    public async Task ChargeDueAsync_LateReport_ChargesItToTheGridsResponsiblePerson()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await RaiseAsync(host);
        host.Time.Advance(TimeSpan.FromSeconds(5));

        var charged = await host.Get<LateReportService>().ChargeDueAsync();

        Assert.Equal(1, charged);
        var stored = await StoredAsync(host);
        Assert.Equal((host.Time.Now(), Responsible(host, Staff.AlertGrid)), (stored.LateChargedAt, stored.LateChargedTo));
    }

    [Fact]
    public async Task ChargeDueAsync_LateReport_WritesOneAuditEntryNamingTheGridThePeopleTheLimitAndTheDelay()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await RaiseAsync(host);

        await host.Get<LateReportService>().ChargeDueAsync();

        await using var db = host.NewDbContext();
        var audit = await db.AuditEntries.SingleAsync(e => e.Action == AuditAction.LateReportCharged);
        Assert.Equal((alertId.ToString(), "late-report-job", "system"), (audit.SubjectId, audit.Actor, audit.Seat));
        Assert.Equal(((DateTimeOffset?)StoreHost.Start.AddMinutes(-150 + 120), (int?)1), (audit.Deadline, audit.PolicyVersion));
        Assert.All(
            new[] { "150 min", "120 min", Staff.AlertGrid, Responsible(host, Staff.AlertGrid), _reporter.Name },
            part => Assert.Contains(part, audit.Comment, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChargeDueAsync_LateReport_PublishesOneChargeOnTheAlertsPath()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertId = await RaiseAsync(host);

        await host.Get<LateReportService>().ChargeDueAsync();

        var charge = Assert.Single(feed.Published.OfType<LateReportCharged>());
        Assert.Equal((alertId, Staff.AlertGrid, Responsible(host, Staff.AlertGrid), _reporter.Name), (charge.AlertId, charge.GridCode, charge.ResponsibleName, charge.ReporterName));
        Assert.Equal(((TimeSpan?)TimeSpan.FromMinutes(120), TimeSpan.FromMinutes(150)), (charge.Limit, charge.Delay));
        Assert.Equal(Staff.AlertGrid, charge.Scope.GridCode);
    }

    [Fact]
    public async Task ChargeDueAsync_LateReport_LeavesTheAlertsVersionForStaff()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await RaiseAsync(host);
        var before = (await StoredAsync(host)).Version;

        await host.Get<LateReportService>().ChargeDueAsync();

        Assert.Equal(before, (await StoredAsync(host)).Version);
    }

    [Fact]
    public async Task ChargeDueAsync_SecondRun_ChargesNothing()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        await RaiseAsync(host);
        var service = host.Get<LateReportService>();
        await service.ChargeDueAsync();
        host.Time.Advance(TimeSpan.FromMinutes(5));

        var again = await service.ChargeDueAsync();

        Assert.Equal(0, again);
        await using var db = host.NewDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.LateReportCharged));
        Assert.Single(feed.Published.OfType<LateReportCharged>());
    }

    [Fact]
    public async Task ChargeDueAsync_RaisedJustBeforeTheServerWentDown_ChargesOnceAfterTheRestart()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(StoreHost.Start);
        await using (var before = await StoreHost.StartAsync(dir.Path, time))
        {
            await RaiseAsync(before);
        }

        time.Advance(TimeSpan.FromHours(3));
        var feed = new RecordingFeed();
        await using var after = await StoreHost.StartAsync(dir.Path, time, feed);

        var charged = await after.Get<LateReportService>().ChargeDueAsync();
        var again = await after.Get<LateReportService>().ChargeDueAsync();

        Assert.Equal((1, 0), (charged, again));
        Assert.Equal(time.Now(), (await StoredAsync(after)).LateChargedAt);
        Assert.Single(feed.Published.OfType<LateReportCharged>());
    }

    [Fact]
    public async Task ChargeDueAsync_TwoRunsAtOnce_ChargeEachLateReportExactlyOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        LateReportService[] services =
        [
            ActivatorUtilities.CreateInstance<LateReportService>(host.Services),
            ActivatorUtilities.CreateInstance<LateReportService>(host.Services),
        ];

        await RaceAsync(host, feed, services);
    }

    [Fact]
    public async Task ChargeDueAsync_TwoServersSharingTheStoreAtOnce_ChargeEachLateReportExactlyOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var first = await StoreHost.StartAsync(dir.Path, feed: feed);
        await using var second = await StoreHost.StartAsync(dir.Path, first.Time, feed);

        await RaceAsync(first, feed, [first.Get<LateReportService>(), second.Get<LateReportService>()]);
    }

    /// <summary>Rounds of 20 late alerts in one town, then both services charge at once.</summary>
    private static async Task RaceAsync(StoreHost host, RecordingFeed feed, LateReportService[] services)
    {
        const int alerts = 20;
        foreach (var round in Enumerable.Range(0, 3))
        {
            var ids = new List<Guid>();
            foreach (var i in Enumerable.Range(0, alerts))
            {
                ids.Add(await RaiseAsync(host, DemoCity.GridCode(round, i / 10, (i % 10) + 1), $"late-{round}-{i}"));
            }

            var counts = await AtOnce.RunAsync(services.Length, i => services[i].ChargeDueAsync());

            Assert.Equal(alerts, counts.Sum());
            await using var db = host.NewDbContext();
            var subjects = ids.Select(id => id.ToString()).ToList();
            var audited = await db.AuditEntries.Where(e => e.Action == AuditAction.LateReportCharged && subjects.Contains(e.SubjectId)).GroupBy(e => e.SubjectId).Select(g => g.Count()).ToListAsync();
            Assert.Equal(Enumerable.Repeat(1, alerts), audited);
            Assert.Equal(alerts, feed.Published.OfType<LateReportCharged>().Count(m => ids.Contains(m.AlertId)));
        }
    }

    [Fact]
    public async Task ChargeDueAsync_LateReportOnAGridARedivisionRetired_IsChargedToWhoAnsweredForItThen_AndAnUnknownGridStopsNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var retired = await RaiseAsync(host, externalId: "retired");
        var unknown = await RaiseAsync(host, externalId: "unknown", categoryCode: "0102");
        var onMap = await RaiseAsync(host, externalId: "on-map", categoryCode: "0103");
        await using (var db = host.NewDbContext())
        {
            // As a re-division leaves it: the grid's record kept, retired, off the loaded map.
            db.Nodes.Add(new NodeRecord
            {
                Code = "330188001001099", Name = "旧网格", Level = Core.Hierarchy.NodeLevel.Grid, Kind = Core.Hierarchy.NodeKind.Urban,
                ParentCode = "330188001001", ResponsibleName = "旧网格长", Workers = [], BoundaryWkt = "POLYGON EMPTY", RetiredInDivision = 2,
            });
            await db.SaveChangesAsync();
            await db.Alerts.Where(a => a.Id == retired).ExecuteUpdateAsync(set => set.SetProperty(a => a.GridCode, "330188001001099"));
            await db.Alerts.Where(a => a.Id == unknown).ExecuteUpdateAsync(set => set.SetProperty(a => a.GridCode, "330188001001098"));
        }

        var charged = await host.Get<LateReportService>().ChargeDueAsync();

        Assert.Equal(2, charged);
        await using var check = host.NewDbContext();
        var alerts = await check.Alerts.ToDictionaryAsync(a => a.Id);
        Assert.Equal("旧网格长", alerts[retired].LateChargedTo);
        Assert.Equal(Responsible(host, Staff.AlertGrid), alerts[onMap].LateChargedTo);
        Assert.Null(alerts[unknown].LateChargedAt);
    }

    /// <summary>Raises a General alert that occurred <paramref name="delayMinutes"/> before it reaches us (late beyond 120).</summary>
    private static async Task<Guid> RaiseAsync(
        StoreHost host, string? gridCode = null, string externalId = "ext-1", string categoryCode = "0101", Person? reporter = null, int delayMinutes = 150)
    {
        var report = Reports.InGrid(gridCode ?? Staff.AlertGrid, externalId, categoryCode, occurredAt: host.Time.Now().AddMinutes(-delayMinutes)) with { Reporter = reporter ?? _reporter };
        return (await host.Get<AlertIngestionService>().IngestAsync(report, Actors.Hotline)).Alert.Id;
    }

    private static string Responsible(StoreHost host, string gridCode) => host.Get<ReferenceData>().Map.Find(gridCode)!.Responsible.Name;

    private static async Task<Alert> StoredAsync(StoreHost host)
    {
        await using var db = host.NewDbContext();
        return await db.Alerts.SingleAsync();
    }
}
