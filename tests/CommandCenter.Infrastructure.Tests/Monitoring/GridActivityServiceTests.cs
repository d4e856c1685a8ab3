using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Infrastructure.Tests.Monitoring;

/// <summary>
/// Silent grids on a real store with the default limit (8 h without a report or a check-in; the seeded city has
/// been watched since it was seeded at <see cref="StoreHost.Start"/>): the set is announced only when it changes,
/// each grid that turns silent is audited exactly once — on a second run, after a restart, after downtime and when
/// two runs race — and a report or a check-in ends the silence.
/// </summary>
public sealed class GridActivityServiceTests
{
    private static readonly TimeSpan _limit = TimeSpan.FromHours(8);

    private static readonly string _grid = DemoCity.GridCode(0, 1, 2);

    private static readonly string _otherGrid = DemoCity.GridCode(2, 3, 4);

    [Fact]
    public async Task UpdateSilentGridsAsync_JustBeforeTheLimit_FindsNoSilentGrid()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        host.Time.Advance(_limit - TimeSpan.FromSeconds(1));
        var service = host.Get<GridActivityService>();

        var change = await service.UpdateSilentGridsAsync();

        Assert.Null(change);
        Assert.Empty(service.SilentGridCodes);
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_NothingHeardForTheLimit_EveryGridIsSilent()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        host.Time.Advance(_limit);
        var service = host.Get<GridActivityService>();

        await service.UpdateSilentGridsAsync();

        Assert.Equal(AllGrids(host), service.SilentGridCodes);
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_GridTurnsSilent_PublishesOneCitywideChange()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        host.Time.Advance(_limit);

        await host.Get<GridActivityService>().UpdateSilentGridsAsync();

        var change = Assert.Single(feed.Published.OfType<SilentGridsChanged>());
        Assert.Equal(new Core.Hierarchy.NodePath("330188", null, null, null), change.Scope);
        Assert.Equal(AllGrids(host), change.SilentGridCodes);
        Assert.Empty(change.NoLongerSilent);
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_GridTurnsSilent_WritesOneAuditEntryDatedWhenItFellSilent()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        host.Time.Advance(_limit + TimeSpan.FromMinutes(3));

        await host.Get<GridActivityService>().UpdateSilentGridsAsync();

        await using var db = host.NewDbContext();
        var audit = await db.AuditEntries.SingleAsync(e => e.Subject == AuditSubject.Grid && e.SubjectId == _grid);
        Assert.Equal((AuditAction.TurnedSilent, "silent-grid-job", "system"), (audit.Action, audit.Actor, audit.Seat));
        Assert.Equal(("Active", "Silent"), (audit.FromState, audit.ToState));
        Assert.Equal((host.Time.Now(), (DateTimeOffset?)(StoreHost.Start + _limit)), (audit.At, audit.Deadline));
        Assert.Equal(AllGrids(host).Count, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.TurnedSilent));
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_ReportWithinTheLimit_KeepsItsGridAwake()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        host.Time.Advance(TimeSpan.FromHours(1));
        await ReportAsync(host, _grid, AlertSource.Public);
        host.Time.Advance(_limit - TimeSpan.FromSeconds(1));
        var service = host.Get<GridActivityService>();

        await service.UpdateSilentGridsAsync();

        Assert.DoesNotContain(_grid, service.SilentGridCodes);
        Assert.Contains(_otherGrid, service.SilentGridCodes);
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_CheckInWithinTheLimit_KeepsItsGridAwake()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        host.Time.Advance(TimeSpan.FromHours(1));
        var service = host.Get<GridActivityService>();
        await service.CheckInAsync(_grid, "张伟");
        host.Time.Advance(_limit - TimeSpan.FromSeconds(1));

        await service.UpdateSilentGridsAsync();

        Assert.DoesNotContain(_grid, service.SilentGridCodes);
        Assert.Contains(_otherGrid, service.SilentGridCodes);
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_SecondRun_ChangesNothing()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        host.Time.Advance(_limit);
        var service = host.Get<GridActivityService>();
        await service.UpdateSilentGridsAsync();
        host.Time.Advance(TimeSpan.FromHours(3));

        var again = await service.UpdateSilentGridsAsync();

        Assert.Null(again);
        Assert.Single(feed.Published.OfType<SilentGridsChanged>());
        await using var db = host.NewDbContext();
        Assert.Equal(AllGrids(host).Count, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.TurnedSilent));
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_ReportInASilentGrid_EndsItsSilenceWithoutAnAuditEntry()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        host.Time.Advance(_limit);
        var service = host.Get<GridActivityService>();
        await service.UpdateSilentGridsAsync();
        await ReportAsync(host, _grid, AlertSource.Hotline);

        var change = await service.UpdateSilentGridsAsync();

        Assert.NotNull(change);
        Assert.Equal([_grid], change.NoLongerSilent);
        Assert.DoesNotContain(_grid, change.SilentGridCodes);
        Assert.Equal(AllGrids(host).Count - 1, service.SilentGridCodes.Count);
        await using var db = host.NewDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.TurnedSilent && e.SubjectId == _grid));
    }

    [Fact]
    public async Task CheckInAsync_InASilentGrid_EndsItsSilenceAtOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        host.Time.Advance(_limit);
        var service = host.Get<GridActivityService>();
        await service.UpdateSilentGridsAsync();

        await service.CheckInAsync(_grid, "张伟");

        var change = feed.Published.OfType<SilentGridsChanged>().Last();
        Assert.Equal([_grid], change.NoLongerSilent);
        Assert.DoesNotContain(_grid, service.SilentGridCodes);
    }

    [Fact]
    public async Task CheckInAsync_InAnAwakeGrid_StoresItAndAnnouncesNothing()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);

        var checkIn = await host.Get<GridActivityService>().CheckInAsync(_grid, "张伟");

        await using var db = host.NewDbContext();
        var stored = await db.GridCheckIns.SingleAsync();
        Assert.Equal((checkIn.Id, _grid, "张伟", StoreHost.Start), (stored.Id, stored.GridCode, stored.WorkerName, stored.At));
        Assert.Empty(feed.Published.OfType<SilentGridsChanged>());
    }

    [Theory]
    [InlineData("999999999999999")]
    [InlineData("330188001")]
    public async Task CheckInAsync_NotAGrid_Throws(string code)
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await Assert.ThrowsAsync<DomainRuleException>(() => host.Get<GridActivityService>().CheckInAsync(code, "张伟"));
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_SilentAgainAfterAReport_AuditsTheNewSilence()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        host.Time.Advance(_limit);
        var service = host.Get<GridActivityService>();
        await service.UpdateSilentGridsAsync();
        await ReportAsync(host, _grid, AlertSource.GridWorker);
        var reportedAt = host.Time.Now();
        await service.UpdateSilentGridsAsync();
        host.Time.Advance(_limit);

        var change = await service.UpdateSilentGridsAsync();

        Assert.Contains(_grid, change!.SilentGridCodes);
        await using var db = host.NewDbContext();
        Assert.Equal(
            [StoreHost.Start + _limit, reportedAt + _limit],
            await db.AuditEntries.Where(e => e.Action == AuditAction.TurnedSilent && e.SubjectId == _grid).OrderBy(e => e.Id).Select(e => e.Deadline!.Value).ToListAsync());
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_AfterARestart_AnnouncesTheSetAgainButAuditsNothingTwice()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(StoreHost.Start);
        await using (var before = await StoreHost.StartAsync(dir.Path, time))
        {
            time.Advance(_limit);
            await before.Get<GridActivityService>().UpdateSilentGridsAsync();
        }

        time.Advance(TimeSpan.FromMinutes(5));
        var feed = new RecordingFeed();
        await using var after = await StoreHost.StartAsync(dir.Path, time, feed);

        await after.Get<GridActivityService>().UpdateSilentGridsAsync();

        Assert.Equal(AllGrids(after), Assert.Single(feed.Published.OfType<SilentGridsChanged>()).SilentGridCodes);
        await using var db = after.NewDbContext();
        Assert.Equal(AllGrids(after).Count, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.TurnedSilent));
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_FellSilentWhileTheServerWasDown_AuditsOnceWithTheMomentItFellSilent()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(StoreHost.Start);
        DateTimeOffset reportedAt;
        await using (var before = await StoreHost.StartAsync(dir.Path, time))
        {
            time.Advance(TimeSpan.FromHours(7));
            await ReportAsync(before, _grid, AlertSource.Hotline);
            reportedAt = time.Now();
            await before.Get<GridActivityService>().UpdateSilentGridsAsync(); // the others turn silent at 8 h; this one is awake
        }

        time.Advance(TimeSpan.FromHours(10));
        await using var after = await StoreHost.StartAsync(dir.Path, time);
        var service = after.Get<GridActivityService>();

        await service.UpdateSilentGridsAsync();
        await service.UpdateSilentGridsAsync();

        Assert.Contains(_grid, service.SilentGridCodes);
        await using var db = after.NewDbContext();
        var audit = await db.AuditEntries.SingleAsync(e => e.Action == AuditAction.TurnedSilent && e.SubjectId == _grid);
        Assert.Equal(reportedAt + _limit, audit.Deadline);
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_ConfiguredLimit_IsUsedInsteadOfTheDefault()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: new Dictionary<string, string?> { ["Monitoring:SilentGridHours"] = "2" });
        host.Time.Advance(TimeSpan.FromHours(2));
        var service = host.Get<GridActivityService>();

        await service.UpdateSilentGridsAsync();

        Assert.Equal(AllGrids(host), service.SilentGridCodes);
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_OneServiceCalledTwiceAtOnce_AnnouncesOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        host.Time.Advance(_limit);
        var service = host.Get<GridActivityService>();

        await AtOnce.RunAsync(2, _ => service.UpdateSilentGridsAsync());

        Assert.Single(feed.Published.OfType<SilentGridsChanged>());
        await using var db = host.NewDbContext();
        Assert.Equal(AllGrids(host).Count, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.TurnedSilent));
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_TwoServicesAtOnce_AuditEachSilentGridExactlyOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        GridActivityService[] services =
        [
            ActivatorUtilities.CreateInstance<GridActivityService>(host.Services),
            ActivatorUtilities.CreateInstance<GridActivityService>(host.Services),
        ];

        await RaceAsync(host, feed, services);
    }

    [Fact]
    public async Task UpdateSilentGridsAsync_TwoServersSharingTheStoreAtOnce_AuditEachSilentGridExactlyOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var first = await StoreHost.StartAsync(dir.Path, feed: feed);
        await using var second = await StoreHost.StartAsync(dir.Path, first.Time, feed);

        await RaceAsync(first, feed, [first.Get<GridActivityService>(), second.Get<GridActivityService>()]);
    }

    /// <summary>
    /// Rounds in which every grid falls silent (after a report in each of them, from the second round on) and both
    /// services update at once: each silence is audited once; each service, holding its own set, announces it once.
    /// </summary>
    private static async Task RaceAsync(StoreHost host, RecordingFeed feed, GridActivityService[] services)
    {
        var grids = AllGrids(host);
        foreach (var round in Enumerable.Range(0, 3))
        {
            if (round > 0)
            {
                foreach (var (grid, i) in grids.Select((g, i) => (g, i)))
                {
                    await ReportAsync(host, grid, AlertSource.Sensor, $"round-{round}-{i}");
                }

                await Task.WhenAll(services.Select(s => s.UpdateSilentGridsAsync()));
            }

            var announced = feed.Published.OfType<SilentGridsChanged>().Count();
            host.Time.Advance(_limit);

            await AtOnce.RunAsync(services.Length, i => services[i].UpdateSilentGridsAsync());

            Assert.All(services, s => Assert.Equal(grids, s.SilentGridCodes));
            Assert.Equal(services.Length, feed.Published.OfType<SilentGridsChanged>().Count() - announced);
            await using var db = host.NewDbContext();
            var audited = await db.AuditEntries.Where(e => e.Action == AuditAction.TurnedSilent).GroupBy(e => e.SubjectId).Select(g => g.Count()).ToListAsync();
            Assert.Equal(Enumerable.Repeat(round + 1, grids.Count), audited);
        }
    }

    private static async Task ReportAsync(StoreHost host, string gridCode, AlertSource source, string externalId = "ext-1") =>
        await host.Get<AlertIngestionService>().IngestAsync(
            Reports.InGrid(gridCode, externalId, source: source, occurredAt: host.Time.Now()), Actors.Hotline);

    private static List<string> AllGrids(StoreHost host) =>
        [.. host.Get<ReferenceData>().Map.Grids.Select(g => g.Code).Order(StringComparer.Ordinal)];
}
