using Bunit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Wall;
using CommandCenter.Web.Wall;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Wall;

/// <summary>
/// The wall of a city of 12,000 grids (seeds/tools/generate_seeds.py at 30 × 20 × 20): the city map draws its 600
/// communities, each standing for its grids, and stays within a bounded number of shapes and elements whatever the
/// city holds, while a town wall keeps its grids.
/// </summary>
public sealed class LargeCityMapTests : WallTestContext
{
    /// <summary>The map's share of the 5,000 elements a whole city wall may have: the rest of the wall is a few hundred.</summary>
    private const int MapElementBudget = 4_000;

    private static readonly Lazy<ReferenceData> Large = new(() => GeneratedCity.Reference(CitySize.Large));

    private readonly WallGeometry _geometry = new(Large.Value);

    private static CityMap Map => Large.Value.Map;

    private static AdminNode FirstCommunity => Map.Children(Map.Towns.First().Code)[0];

    [Fact]
    public void Detail_DemoCityAndLargeTowns_KeepGrids_LargeCityDrawsCommunities()
    {
        var demo = DemoCity.Map();

        Assert.Equal(NodeLevel.Grid, MapDetail.Default.LevelFor(demo, demo.City));
        Assert.Equal(NodeLevel.Community, MapDetail.Default.LevelFor(Map, Map.City));
        Assert.Equal(NodeLevel.Grid, MapDetail.Default.LevelFor(Map, Map.Towns.First()));
        Assert.Equal(NodeLevel.Grid, MapDetail.Default.LevelFor(Map, FirstCommunity));
    }

    [Theory]
    [InlineData(599, NodeLevel.Town)]     // 600 communities are too many: the city's 30 towns
    [InlineData(600, NodeLevel.Community)]
    [InlineData(12_000, NodeLevel.Grid)]
    [InlineData(1, NodeLevel.Town)]       // never coarser than the scope's children
    public void Detail_IsTheFinestLevelWithinTheShapeBudget(int maxShapes, NodeLevel expected) =>
        Assert.Equal(expected, new MapDetail(maxShapes).LevelFor(Map, Map.City));

    [Fact]
    public void CityMap_AtTheBusiestState_StaysWithinItsShapeAndElementBudget()
    {
        // Everything at once: every grid loaded and silent, a thousand late, all 1,075 teams on the map and at work.
        var grids = Map.Grids.Select(g => g.Code).ToList();
        var open = grids.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => 1 + (x.i % 16));
        var late = grids.Take(1_000).ToDictionary(g => g, _ => 1);
        var teams = GeneratedCity.Seed(CitySize.Large).Teams
            .Select(t => Team(t.Code, t.Level, TeamStatus.OnScene, t.Position!.Latitude, t.Position!.Longitude))
            .ToList();

        var cut = RenderMap(Map.City.Code, open, grids.ToHashSet(), late, teams);

        var shapes = cut.FindAll("g.grids path");
        Assert.Equal(600, shapes.Count);
        Assert.All(shapes, s => Assert.NotNull(s.GetAttribute("data-community")));
        Assert.Equal(MapMarkup.HotspotLimit, cut.FindAll("path.hot-grid").Count);
        Assert.Equal(600, cut.FindAll("path.silent-grid").Count);
        Assert.Equal(MapMarkup.TeamDotLimit, cut.FindAll("rect.team-dot").Count);
        Assert.InRange(cut.FindAll("*").Count, 1, MapElementBudget);
        Assert.Equal("静默网格 12000", cut.Find("[data-testid=legend-silent]").TextContent);
    }

    [Fact]
    public void CityMap_ACommunity_IsColouredByItsOpenAlertsPerGridAndTitledWithTheirSum()
    {
        var community = FirstCommunity;
        var grids = Map.Children(community.Code).Select(g => g.Code).ToList();
        var open = grids.Take(10).ToDictionary(g => g, _ => 4); // 40 open over 20 grids: 2 a grid

        var cut = RenderMap(Map.City.Code, open);

        var shape = cut.Find($"path[data-community='{community.Code}']");
        Assert.Contains("load-1", shape.ClassList);
        Assert.Equal($"{community.Name}: 40", shape.QuerySelector("title")!.TextContent);
        Assert.Contains("load-0", cut.Find($"path[data-community='{Map.Children(community.ParentCode!)[1].Code}']").ClassList);
        Assert.Empty(cut.FindAll("path.hot-grid")); // 4 open is no hotspot
        Assert.Contains("按社区", cut.Find(".map-legend").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1)]  // one open alert in 20 grids still colours the community
    [InlineData(20, 1)]
    [InlineData(41, 2)] // 2.05 a grid, rounded up to 3
    [InlineData(100, 2)]
    [InlineData(101, 3)]
    public void CityMap_ACommunitysBand_IsItsOpenAlertsPerGridRoundedUp(int open, int band)
    {
        var community = FirstCommunity;
        var grids = Map.Children(community.Code).Select(g => g.Code).ToList();
        var byGrid = grids.Select((g, i) => (g, n: open / grids.Count + (i < open % grids.Count ? 1 : 0))).Where(x => x.n > 0).ToDictionary(x => x.g, x => x.n);

        var cut = RenderMap(Map.City.Code, byGrid);

        Assert.Contains($"load-{band}", cut.Find($"path[data-community='{community.Code}']").ClassList);
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(6, true)]
    public void CityMap_AGridIsAHotspotFromSixOpenAlerts(int open, bool hot)
    {
        var grid = Map.Children(FirstCommunity.Code)[3].Code;

        var cut = RenderMap(Map.City.Code, new Dictionary<string, int> { [grid] = open });

        Assert.Equal(hot ? [grid] : [], cut.FindAll("path.hot-grid").Select(h => h.GetAttribute("data-hot-grid")));
    }

    [Fact]
    public void CityMap_TooManyTeamDots_KeepsTheTeamsAtWork()
    {
        var at = FirstCommunity.Boundary.InteriorPoint;
        var standingBy = Enumerable.Range(0, MapMarkup.TeamDotLimit).Select(i => Team($"T{i}", NodeLevel.Town, TeamStatus.Available, at.Y, at.X));
        List<WallTeamRow> teams = [.. standingBy, Team("OUT", NodeLevel.Grid, TeamStatus.Dispatched, at.Y, at.X)];

        var cut = RenderMap(Map.City.Code, teams: teams);

        Assert.Equal(MapMarkup.TeamDotLimit, cut.FindAll("rect.team-dot").Count);
        Assert.NotNull(cut.Find("rect.team-dot[data-team=OUT]"));
    }

    [Fact]
    public void CityMap_HotspotGrids_AreTheHeaviestFewDrawnOverTheirCommunities()
    {
        var grids = Map.Grids.Select(g => g.Code).ToList();
        var open = grids.Take(30).Select((g, i) => (g, i)).ToDictionary(x => x.g, x => 5 + x.i); // 5, 6, …, 34 open
        var heaviest = open.OrderByDescending(g => g.Value).Take(MapMarkup.HotspotLimit).Select(g => g.Key);

        var cut = RenderMap(Map.City.Code, open);

        var hot = cut.FindAll("path.hot-grid");
        Assert.Equal(heaviest, hot.Select(h => h.GetAttribute("data-hot-grid")));
        Assert.Contains("load-4", hot[0].ClassList);
        Assert.Equal($"{Map.Find(heaviest.First())!.Name}: 34", hot[0].QuerySelector("title")!.TextContent);
    }

    [Fact]
    public void CityMap_ACommunityIsHatchedSilentOnlyWhenAtLeastHalfItsGridsAre()
    {
        var (quiet, halfQuiet) = (FirstCommunity, Map.Children(FirstCommunity.ParentCode!)[1]);
        var silent = Map.Children(quiet.Code).Take(9).Concat(Map.Children(halfQuiet.Code).Take(10)).Select(g => g.Code).ToHashSet();

        var cut = RenderMap(Map.City.Code, silent: silent);

        Assert.Equal([halfQuiet.Code], cut.FindAll("path.silent-grid").Select(p => p.GetAttribute("data-silent-community")));
        Assert.Equal("静默网格 19", cut.Find("[data-testid=legend-silent]").TextContent);
    }

    [Fact]
    public void CityMap_TeamDots_AreTeamsAboveTheCommunitiesAndTeamsAtWork()
    {
        var at = FirstCommunity.Boundary.InteriorPoint;
        List<WallTeamRow> teams =
        [
            Team("TOWN", NodeLevel.Town, TeamStatus.Available, at.Y, at.X),
            Team("IDLE", NodeLevel.Community, TeamStatus.Available, at.Y, at.X),
            Team("BUSY", NodeLevel.Grid, TeamStatus.EnRoute, at.Y, at.X),
        ];

        var cut = RenderMap(Map.City.Code, teams: teams);

        Assert.Equal(["BUSY", "TOWN"], cut.FindAll("rect.team-dot").Select(r => r.GetAttribute("data-team"))); // at work first
    }

    [Fact]
    public void TownMap_KeepsEveryGridAndDrawsNoHotspotsOverThem()
    {
        var town = Map.Towns.First();
        var busy = Map.Children(Map.Children(town.Code)[0].Code)[0].Code;

        var cut = RenderMap(town.Code, new Dictionary<string, int> { [busy] = 12 });

        Assert.Equal(400, cut.FindAll("g.grids path[data-grid]").Count);
        Assert.Contains("load-4", cut.Find($"path[data-grid='{busy}']").ClassList);
        Assert.Empty(cut.FindAll("path.hot-grid"));
        Assert.Equal("未结事件", cut.Find(".map-legend .legend-item span").TextContent);
    }

    private WallTeamRow Team(string code, NodeLevel level, TeamStatus status, double latitude, double longitude) =>
        new(code, $"队{code}", TeamType.GeneralService, level, status, Time.GetUtcNow(), null, latitude, longitude);

    private IRenderedComponent<CityMapPanel> RenderMap(
        string scope,
        IReadOnlyDictionary<string, int>? open = null,
        IReadOnlySet<string>? silent = null,
        IReadOnlyDictionary<string, int>? late = null,
        IReadOnlyList<WallTeamRow>? teams = null) =>
        Render<CityMapPanel>(p => p
            .Add(c => c.Map, _geometry.For(scope))
            .Add(c => c.OpenByGrid, open ?? new Dictionary<string, int>())
            .Add(c => c.Markers, [])
            .Add(c => c.Now, Time.GetUtcNow())
            .Add(c => c.Teams, teams ?? [])
            .Add(c => c.SilentGrids, silent ?? new HashSet<string>())
            .Add(c => c.LateGrids, late ?? new Dictionary<string, int>()));
}
