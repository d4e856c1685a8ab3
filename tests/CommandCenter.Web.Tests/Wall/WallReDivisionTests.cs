using Bunit;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Import;
using CommandCenter.Testing;
using WallPage = CommandCenter.Web.Components.Pages.Wall;

namespace CommandCenter.Web.Tests.Wall;

/// <summary>
/// An open wall follows the city's division live: it says so while no city is imported, draws the city the moment it
/// is, and redraws when a re-division splits one grid and retires another, with its open alert in the new grid.
/// </summary>
public sealed class WallReDivisionTests : WallTestContext
{
    private const string OldGrid = "440399002002001";
    private const string SouthGrid = "440399002002003";
    private const string NorthGrid = "440399002002004";
    private const string MergedGrid = "440399002001003";
    private static readonly Actor Admin = new("市管理员", "Admin@440399");

    [Fact]
    public async Task OpenWall_FollowsTheFirstImportAndAReDivision_WithoutAReload()
    {
        await UseStoreAsync(new Dictionary<string, string?> { ["Demo:City"] = "false" });
        SignedInAs("440399", "Admin");
        var cut = Render<WallPage>();
        Assert.Contains("尚未导入城市地图", cut.Find("[data-testid=no-city]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("[data-testid=no-city-import]")); // an admin is told where to import it

        await ImportAsync(CityMaps.RiverCity);

        cut.WaitForAssertion(() => Assert.Equal(10, Grids(cut).Count));
        Assert.Contains(OldGrid, Grids(cut));
        var v2 = new CityMap((await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.RiverCityV2))).Nodes);
        var inSouth = v2.Find(SouthGrid)!.Boundary.InteriorPoint;
        await Store.Get<AlertIngestionService>().IngestAsync(
            new NewAlertReport(AlertSource.GridWorker, "split-1", "0101", Severity.Major, null, new GeoPoint(inSouth.Y, inSouth.X), Time.GetUtcNow(), "井盖缺失"),
            Actor.System("test"));
        Time.Advance(WallPage.RenderInterval);
        cut.WaitForAssertion(() => Assert.Contains(": 1", cut.Find($"[data-grid='{OldGrid}'] title").TextContent, StringComparison.Ordinal));

        await ImportAsync(CityMaps.RiverCityV2);

        cut.WaitForAssertion(() =>
        {
            var grids = Grids(cut);
            Assert.DoesNotContain(OldGrid, grids);
            Assert.DoesNotContain(MergedGrid, grids);
            Assert.Contains(SouthGrid, grids);
            Assert.Contains(NorthGrid, grids);
            Assert.Contains(": 1", cut.Find($"[data-grid='{SouthGrid}'] title").TextContent, StringComparison.Ordinal);
        });
        Assert.Contains("稻田村南片网格", cut.Find("[data-testid=alert-row]").TextContent, StringComparison.Ordinal);
    }

    private static List<string> Grids(IRenderedComponent<WallPage> cut) =>
        [.. cut.FindAll("[data-grid]").Select(e => e.GetAttribute("data-grid")!)];

    private async Task ImportAsync(string fixture)
    {
        await using var file = File.OpenRead(CityMaps.PathOf(fixture));
        var outcome = await Store.Get<CityImporter>().ApplyAsync(file, fixture, Admin);
        Assert.NotNull(outcome.Version);
    }
}
