using CommandCenter.Core.Hierarchy;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Hierarchy;

public class CityMapTests
{
    private static readonly CityMap _map = DemoCity.Map();

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(1, 2, 5)]
    [InlineData(2, 4, 10)]
    [InlineData(3, 1, 7)]
    [InlineData(4, 3, 3)]
    [InlineData(5, 0, 6)]
    public void ResolveGrid_PointInsideGrid_ReturnsThatGrid(int town, int community, int sequence)
    {
        var code = DemoCity.GridCode(town, community, sequence);
        var inside = _map.Find(code)!.Boundary.InteriorPoint;

        var resolved = _map.ResolveGrid(inside.Y, inside.X);

        Assert.Equal(code, resolved?.Code);
    }

    [Fact]
    public void ResolveGrid_PointOutsideCity_ReturnsNull()
    {
        var resolved = _map.ResolveGrid(latitude: 30.2, longitude: 120.05);

        Assert.Null(resolved);
    }

    [Fact]
    public void IsInsideCity_PointOutsideCity_IsFalse()
    {
        var inside = _map.IsInsideCity(latitude: 30.2, longitude: 120.05);

        Assert.False(inside);
    }

    [Fact]
    public void IsInsideCity_PointInsideCity_IsTrue()
    {
        var point = _map.City.Boundary.InteriorPoint;

        var inside = _map.IsInsideCity(point.Y, point.X);

        Assert.True(inside);
    }

    [Fact]
    public void ResolveGrid_CityCorner_ReturnsTheCornerGrid()
    {
        // The north-west corner of the city is on its border: covered, not strictly inside.
        var resolved = _map.ResolveGrid(latitude: 30.300, longitude: 120.100);

        Assert.Equal(DemoCity.GridCode(0, 0, 1), resolved?.Code);
    }

    [Fact]
    public void ResolveGrid_VertexSharedByFourTowns_ReturnsLowestGridCode()
    {
        // Towns 001, 002 (north row) and 004, 005 (south row) meet here; each contributes one grid.
        string[] codes =
        [
            DemoCity.GridCode(4, 0, 1),
            DemoCity.GridCode(3, 0, 5),
            DemoCity.GridCode(1, 4, 6),
            DemoCity.GridCode(0, 4, 10),
        ];
        var vertex = Assert.Single(SharedVertices(codes));

        var resolved = _map.ResolveGrid(vertex.Y, vertex.X);

        Assert.Equal(codes.Min(StringComparer.Ordinal), resolved?.Code);
    }

    [Fact]
    public void ResolveGrid_EndsOfEdgeSharedByTwoGrids_ReturnLowerCode()
    {
        string[] codes = [DemoCity.GridCode(0, 0, 2), DemoCity.GridCode(0, 0, 1)];
        var ends = SharedVertices(codes);

        var resolved = ends.Select(v => _map.ResolveGrid(v.Y, v.X)?.Code).ToList();

        Assert.Equal(2, resolved.Count);
        Assert.All(resolved, code => Assert.Equal(DemoCity.GridCode(0, 0, 1), code));
    }

    [Fact]
    public void PathOf_Grid_GivesItsCommunityTownAndCity()
    {
        var grid = DemoCity.GridCode(2, 3, 4);

        var path = _map.PathOf(grid);

        Assert.Equal(new NodePath("330188", "330188003", "330188003004", grid), path);
    }

    [Fact]
    public void PlaceOf_Grid_NamesItsTownCommunityAndGrid()
    {
        var grid = DemoCity.GridCode(0, 0, 5);

        Assert.Equal($"湖滨街道 · {_map.Find("330188001001")!.Name} · {_map.Find(grid)!.Name}", _map.PlaceOf(grid));
    }

    [Fact]
    public void PlaceOf_AGridNoLongerOnTheMap_IsItsCode() =>
        Assert.Equal("330188001001099", _map.PlaceOf("330188001001099")); // a closed alert on a retired grid keeps its code

    [Fact]
    public void PathOf_Town_LeavesCommunityAndGridEmpty()
    {
        var path = _map.PathOf(DemoCity.TownCode(5));

        Assert.Equal(new NodePath("330188", "330188006", null, null), path);
    }

    [Fact]
    public void PathOf_UnknownCode_Throws()
    {
        var ex = Assert.Throws<DomainRuleException>(() => _map.PathOf("330188009001001"));

        Assert.Contains("330188009001001", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("330188")]
    [InlineData("330188002")]
    [InlineData("330188002003")]
    [InlineData("330188002003004")]
    public void IsWithin_AncestorOrSelf_IsTrue(string ancestor)
    {
        var within = _map.IsWithin(DemoCity.GridCode(1, 2, 4), ancestor);

        Assert.True(within);
    }

    [Theory]
    [InlineData("330188001")]
    [InlineData("330188002002")]
    [InlineData("330188002003005")]
    public void IsWithin_SiblingNode_IsFalse(string sibling)
    {
        var within = _map.IsWithin(DemoCity.GridCode(1, 2, 4), sibling);

        Assert.False(within);
    }

    [Fact]
    public void IsWithin_DescendantOfCode_IsFalse()
    {
        var within = _map.IsWithin(DemoCity.TownCode(1), DemoCity.GridCode(1, 2, 4));

        Assert.False(within);
    }

    [Fact]
    public void Towns_OfDemoCity_AreSix()
    {
        Assert.Equal(6, _map.Towns.Count());
    }

    [Fact]
    public void Children_OfEachTown_AreFiveCommunities()
    {
        var counts = _map.Towns.Select(t => _map.Children(t.Code).Count(c => c.Level == NodeLevel.Community));

        Assert.All(counts, count => Assert.Equal(5, count));
    }

    [Fact]
    public void Children_OfEachCommunity_AreTenGrids()
    {
        var communities = _map.Nodes.Where(n => n.Level == NodeLevel.Community).ToList();

        Assert.Equal(30, communities.Count);
        Assert.All(communities, c => Assert.Equal(10, _map.Children(c.Code).Count(g => g.Level == NodeLevel.Grid)));
    }

    [Fact]
    public void Children_AreOrderedByCode()
    {
        var codes = _map.Children(DemoCity.TownCode(0)).Select(c => c.Code).ToList();

        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
    }

    [Fact]
    public void Children_OfGrid_AreEmpty()
    {
        Assert.Empty(_map.Children(DemoCity.GridCode(0, 0, 1)));
    }

    [Fact]
    public void Constructor_WithoutCityNode_Throws()
    {
        var withoutCity = DemoCity.Load().Nodes.Where(n => n.Level != NodeLevel.City).ToList();

        var ex = Assert.Throws<DomainRuleException>(() => new CityMap(withoutCity));

        Assert.Contains("found 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WithTwoCityNodes_Throws()
    {
        var nodes = DemoCity.Load().Nodes;
        var secondCity = nodes[0] with { Code = "330199", Name = "第二市" };

        var ex = Assert.Throws<DomainRuleException>(() => new CityMap([.. nodes, secondCity]));

        Assert.Contains("found 2", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The boundary vertices the grids all share: the seed gives neighbours identical numbers.</summary>
    private static List<(double X, double Y)> SharedVertices(IEnumerable<string> gridCodes) =>
        [
            .. gridCodes
                .Select(code => _map.Find(code)!.Boundary.Coordinates.Select(c => (c.X, c.Y)))
                .Aggregate((shared, next) => shared.Intersect(next))
                .Distinct(),
        ];
}
