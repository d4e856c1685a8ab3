using System.Text.RegularExpressions;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;
using CommandCenter.Web.Wall;

namespace CommandCenter.Web.Tests.Wall;

/// <summary>The wall's map of 江洲市 (Fixtures/river-city.geojson): a grid in two parts and a grid around a lake.</summary>
public sealed partial class WallGeometryTests
{
    private const string Riverside = "440399001001", Shoal = "440399001002";

    [Fact]
    public async Task For_CommunityWithAGridEitherSideOfTheRiver_DrawsBothPartsInOnePath()
    {
        var geometry = await RiverCityGeometryAsync();

        var grid = geometry.For(Riverside).Cells.Single(g => g.Code == "440399001001001");

        Assert.Equal(2, SubPath().Count(grid.Path));
    }

    [Fact]
    public async Task For_CommunityWithAGridAroundALake_DrawsItsShoreAndTheLakeAsItsHole()
    {
        var geometry = await RiverCityGeometryAsync();
        var map = geometry.For(Shoal);

        var shore = map.Cells.Single(g => g.Code == "440399001002001");
        var lake = map.Cells.Single(g => g.Code == "440399001002002");

        var rings = shore.Path.Split('Z', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rings.Length);
        Assert.Equal(Points(lake.Path).Order(), Points(rings[1]).Order());
    }

    [Fact]
    public async Task Markup_GridsAndBorders_FillEvenOddSoHolesStayEmpty()
    {
        var geometry = await RiverCityGeometryAsync();
        var map = geometry.For("440399");

        var grids = string.Concat(map.Markup.Cells(new Dictionary<string, int>()).Select(m => m.Value));

        Assert.Equal(10, Regex.Count(grids, "<path d=\"[^\"]+\" fill-rule=\"evenodd\" class=\"grid "));
        Assert.Equal(2, Regex.Count(map.Markup.Borders.Value, "<path d=\"[^\"]+\" fill-rule=\"evenodd\" class=\"child-border\""));
    }

    private static async Task<WallGeometry> RiverCityGeometryAsync()
    {
        var reference = new ReferenceData();
        reference.Load(new CityMap((await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCity))).Nodes), DemoCity.Categories(), [DemoCity.Load().Policy]);
        return new WallGeometry(reference);
    }

    private static IEnumerable<string> Points(string path) =>
        path.Split(['M', 'L', 'Z'], StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex("M")]
    private static partial Regex SubPath();
}
