using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Import;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Import;

/// <summary>
/// A real city moving into an empty store, and re-dividing later (回头看): 江洲市 v1 then v2, where 稻田村第1网格 is split
/// into 南片 and 北片, 渔港村第3网格 is merged into 第2网格, and 沙洲社区第3网格 is renamed.
/// </summary>
public sealed class CityImporterTests : IAsyncLifetime
{
    private const string OldGrid = "440399002002001";   // 稻田村第1网格, split in v2
    private const string SouthGrid = "440399002002003"; // 稻田村南片网格 (v2)
    private const string NorthGrid = "440399002002004"; // 稻田村北片网格 (v2)
    private const string MergedGrid = "440399002001003"; // 渔港村第3网格, retired in v2
    private static readonly Actor Admin = new("市管理员", "Admin@440399");

    private readonly TempDirectory _dir = new();
    private StoreHost _host = null!;

    private CityImporter Importer => _host.Get<CityImporter>();

    private ReferenceData Reference => _host.Get<ReferenceData>();

    public async Task InitializeAsync() =>
        _host = await StoreHost.StartAsync(_dir.Path, settings: new Dictionary<string, string?> { ["Demo:City"] = "false" });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task EmptyStore_HasNoCity_UntilTheFirstImport_ThenServesIt()
    {
        Assert.False(Reference.HasCity);
        Assert.Throws<NoCityException>(() => Reference.Map);

        var outcome = await ApplyAsync(CityMaps.RiverCity);

        Assert.Equal(1, outcome.Version);
        Assert.True(Reference.HasCity);
        Assert.Equal("江洲市", Reference.Map.City.Name);
        Assert.Equal(10, Reference.Map.Grids.Count());
        Assert.Equal(17, outcome.Diff!.Added.Count);
        await using var db = _host.NewDbContext();
        var division = await db.Divisions.SingleAsync();
        Assert.Equal((1, "市管理员", CityMaps.RiverCity), (division.Version, division.ImportedBy, division.Source));
        var audit = await db.AuditEntries.SingleAsync(a => a.Subject == AuditSubject.Division);
        Assert.Equal((AuditAction.DivisionImported, "1", "市管理员"), (audit.Action, audit.SubjectId, audit.Actor));
    }

    [Fact]
    public async Task DryRun_ReportsTheDifference_AndStoresNothing()
    {
        await using var file = File.OpenRead(CityMaps.PathOf(CityMaps.RiverCity));

        var outcome = await Importer.DryRunAsync(file);

        Assert.True(outcome.IsValid);
        Assert.Null(outcome.Version);
        Assert.Equal(17, outcome.Diff!.Added.Count);
        Assert.NotEmpty(outcome.Report.Warnings); // the 0.5 m² sliver
        Assert.False(Reference.HasCity);
        await using var db = _host.NewDbContext();
        Assert.Equal(0, await db.Nodes.CountAsync());
    }

    [Fact]
    public async Task BrokenFile_IsRefusedWhole_AndTheStoredCityStaysAsItWas()
    {
        await ApplyAsync(CityMaps.RiverCity);

        var outcome = await ApplyAsync(CityMaps.BrokenCity);

        Assert.False(outcome.IsValid);
        Assert.Null(outcome.Version);
        Assert.Contains(outcome.Report.Errors, e => e.Kind == DivisionProblemKind.Overlap);
        Assert.Contains(outcome.Report.Errors, e => e.Kind == DivisionProblemKind.Gap);
        Assert.Contains(outcome.Report.Errors, e => e.Kind == DivisionProblemKind.UnknownParent && e.Code == "440399001009001");
        Assert.Contains(outcome.Report.Errors, e => e.Kind == DivisionProblemKind.DuplicateCode && e.Code == "440399002001002");
        await using var db = _host.NewDbContext();
        Assert.Equal(1, await db.Divisions.CountAsync());
        Assert.Null(Reference.Map.Find("440399001009001"));
    }

    [Fact]
    public async Task SameMapAgain_ChangesNothing_AndStoresNoNewVersion()
    {
        await ApplyAsync(CityMaps.RiverCity);

        var again = await ApplyAsync(CityMaps.RiverCity);

        Assert.True(again.Diff!.IsEmpty);
        Assert.Null(again.Version);
        await using var db = _host.NewDbContext();
        Assert.Equal(1, await db.Divisions.CountAsync());
    }

    [Fact]
    public async Task ReDivision_MovesOpenAlertsToTheGridHoldingTheirPoint_ClosedAlertsKeepTheirCodes()
    {
        await ApplyAsync(CityMaps.RiverCity);
        var v2 = new CityMap((await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.RiverCityV2))).Nodes);
        var south = await RaiseAsync("south", v2.Find(SouthGrid)!.Boundary.InteriorPoint);
        var north = await RaiseAsync("north", v2.Find(NorthGrid)!.Boundary.InteriorPoint, category: "0102"); // another category: not merged into "south"
        var closed = await RaiseAsync("closed", v2.Find(SouthGrid)!.Boundary.InteriorPoint, category: "0201");
        await _host.Get<AlertWorkflowService>().ApplyAsync(closed.Id, AlertAction.Void, AlertSteps.DutyOfficer with { NodeCode = "440399" }, "误报");
        var pointless = await RaiseAsync("no point", point: null, grid: MergedGrid);
        Assert.Equal([OldGrid, OldGrid, OldGrid], new[] { south.GridCode, north.GridCode, closed.GridCode });
        Assert.Equal(3, new[] { south.Id, north.Id, closed.Id }.Distinct().Count());
        var feed = _host.Get<ILiveFeed>();
        var published = new List<AlertChanged>();
        using var _ = feed.Subscribe((message, _) =>
        {
            if (message is AlertChanged { Change: AlertChange.Moved } moved)
            {
                lock (published)
                {
                    published.Add(moved);
                }
            }

            return ValueTask.CompletedTask;
        });

        var outcome = await ApplyAsync(CityMaps.RiverCityV2);

        Assert.Equal(2, outcome.Version);
        Assert.Equal([MergedGrid, OldGrid], outcome.Diff!.Retired.Select(n => n.Code).Order(StringComparer.Ordinal));
        Assert.Equal([SouthGrid, NorthGrid], outcome.Diff.Added.Select(n => n.Code).Order(StringComparer.Ordinal));
        Assert.Contains(outcome.Diff.Renamed, c => c.Code == "440399001002003" && c.After.Name == "沙洲社区东片网格");
        Assert.Contains(outcome.Diff.Reshaped, c => c.Code == "440399002001002");
        await using (var db = _host.NewDbContext())
        {
            Assert.Equal((SouthGrid, "440399002002", "440399002"), await PlaceOfAsync(db, south.Id));
            Assert.Equal(NorthGrid, (await PlaceOfAsync(db, north.Id)).Grid);
            Assert.Equal(OldGrid, (await PlaceOfAsync(db, closed.Id)).Grid);
            Assert.Equal(MergedGrid, (await PlaceOfAsync(db, pointless.Id)).Grid);
            var moves = await db.AuditEntries.Where(a => a.Action == AuditAction.MovedToGrid).ToListAsync();
            Assert.Equal(2, moves.Count);
            Assert.Contains(moves, m => m.SubjectId == south.Id.ToString() && m.Comment == $"{OldGrid} → {SouthGrid}");
            var retired = await db.Nodes.SingleAsync(n => n.Code == OldGrid);
            Assert.Equal(2, retired.RetiredInDivision); // kept, so history can still name it
        }

        Assert.Equal(new[] { south.Id, north.Id }.Order(), outcome.Moved.Select(m => m.AlertId).Order()); // ids of one millisecond: their order is chance
        Assert.Equal([pointless.Id], outcome.Unplaced.Select(u => u.AlertId));
        // The feed delivers on its own thread: wait for it, a while, rather than read the list the moment the import returns.
        int Published()
        {
            lock (published)
            {
                return published.Count;
            }
        }

        for (var waited = 0; waited < 100 && Published() < 2; waited++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(2, Published());

        Assert.Null(Reference.Map.Find(OldGrid));
        Assert.Equal("沙洲社区东片网格", Reference.Map.Find("440399001002003")!.Name);
        Assert.Equal(SouthGrid, Reference.Map.ResolveGrid(v2.Find(SouthGrid)!.Boundary.InteriorPoint.Y, v2.Find(SouthGrid)!.Boundary.InteriorPoint.X)!.Code);
    }

    [Fact]
    public async Task ReDivision_TeamsAndAccountsHomedOnRetiredNodes_AreListedForAnAdministrator_AndKept()
    {
        await ApplyAsync(CityMaps.RiverCity);
        await using (var db = _host.NewDbContext())
        {
            var now = _host.Time.GetUtcNow();
            db.Teams.Add(new Team("TM-OLD", "稻田村巡逻队", TeamType.SecurityPatrol, NodeLevel.Grid, OldGrid, [], null, now));
            db.Teams.Add(new Team("TM-KEEP", "沙洲巡逻队", TeamType.SecurityPatrol, NodeLevel.Grid, "440399001002003", [], null, now));
            db.Users.Add(new Infrastructure.Persistence.CommandCenterUser { UserName = "grid-head", NormalizedUserName = "GRID-HEAD", DisplayName = "渔港村网格长", NodeCode = MergedGrid });
            await db.SaveChangesAsync();
        }

        await using var file = File.OpenRead(CityMaps.PathOf(CityMaps.RiverCityV2));
        var planned = await Importer.DryRunAsync(file);
        var applied = await ApplyAsync(CityMaps.RiverCityV2);

        var expected = new[]
        {
            new HomedOnRetired(HomeKind.Team, "TM-OLD", "稻田村巡逻队", OldGrid),
            new HomedOnRetired(HomeKind.User, "grid-head", "渔港村网格长", MergedGrid),
        };
        Assert.Equal(expected, planned.Homeless);
        Assert.Equal(expected, applied.Homeless);
        Assert.Contains($"team TM-OLD (稻田村巡逻队) is homed on retired node {OldGrid}: an administrator moves it", applied.Lines());
        await using (var db = _host.NewDbContext())
        {
            Assert.Equal(OldGrid, (await db.Teams.SingleAsync(t => t.Code == "TM-OLD")).NodeCode); // kept until moved
        }
    }

    [Fact]
    public async Task ReDivision_AnAlertWithoutAPoint_IsListed_UntilAnAdministratorPlacesIt()
    {
        await ApplyAsync(CityMaps.RiverCity);
        var pointless = await RaiseAsync("no point", point: null, grid: MergedGrid);
        await ApplyAsync(CityMaps.RiverCityV2);
        Assert.Equal([pointless.Id], (await Importer.UnplacedAsync()).Select(u => u.AlertId));

        await Assert.ThrowsAsync<DomainRuleException>(() => Importer.PlaceAsync(pointless.Id, MergedGrid, Admin)); // retired: not a grid of today's map
        await Importer.PlaceAsync(pointless.Id, "440399002001002", Admin);

        Assert.Empty(await Importer.UnplacedAsync());
        await using var db = _host.NewDbContext();
        Assert.Equal("440399002001002", (await PlaceOfAsync(db, pointless.Id)).Grid);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.MovedToGrid && a.SubjectId == pointless.Id.ToString() && a.Actor == "市管理员"));
    }

    [Fact]
    public async Task FirstImport_BindsAdministratorsMadeBeforeAnyCity_ToTheCity()
    {
        await using (var db = _host.NewDbContext())
        {
            db.Users.Add(new Infrastructure.Persistence.CommandCenterUser { UserName = "chief", NormalizedUserName = "CHIEF", DisplayName = "chief", NodeCode = Infrastructure.Persistence.CommandCenterUser.WholeCity });
            await db.SaveChangesAsync();
        }

        await ApplyAsync(CityMaps.RiverCity);

        await using var after = _host.NewDbContext();
        Assert.Equal("440399", (await after.Users.SingleAsync()).NodeCode);
    }

    private async Task<ImportOutcome> ApplyAsync(string fixture)
    {
        await using var file = File.OpenRead(CityMaps.PathOf(fixture));
        return await Importer.ApplyAsync(file, fixture, Admin);
    }

    private async Task<Alert> RaiseAsync(string title, NetTopologySuite.Geometries.Point? point, string? grid = null, string category = "0101")
    {
        var report = new NewAlertReport(
            AlertSource.GridWorker, $"ext-{title}", category, Severity.General, grid,
            point is null ? null : new GeoPoint(point.Y, point.X), _host.Time.GetUtcNow(), title);
        return (await _host.Get<AlertIngestionService>().IngestAsync(report, Actor.System("test"))).Alert;
    }

    private static async Task<(string Grid, string Community, string Town)> PlaceOfAsync(Infrastructure.Persistence.CommandCenterDbContext db, Guid id)
    {
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == id);
        return (alert.GridCode, alert.CommunityCode, alert.TownCode);
    }
}
