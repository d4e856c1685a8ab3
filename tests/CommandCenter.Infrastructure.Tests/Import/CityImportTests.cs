using System.Text;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Import;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Import;

/// <summary>
/// The city maps of Fixtures/ and the demo city's GeoJSON, read and checked as a whole. A unit of the fixtures'
/// layout is 0.002°: 221.148 m of latitude and 205.69 m of longitude at lat 22.5 (111,320 m · cos 22.5° per degree).
/// </summary>
public sealed class CityImportTests
{
    private const double UnitSquareMetres = 221.148 * 205.69;

    [Fact]
    public async Task CheckAsync_DemoCity_HasNoErrorsAndNoWarnings()
    {
        var check = await CityMaps.CheckAsync(CityMaps.DemoCityPath);

        Assert.Equal(337, check.Nodes.Count);
        Assert.Empty(check.Report.Errors);
        Assert.Empty(check.Report.Warnings);
    }

    [Fact]
    public async Task ReadAsync_DemoCity_HoldsExactlyTheSeededNodes()
    {
        var seeded = DemoCity.Load().Nodes;

        var read = await CityMaps.ReadAsync(CityMaps.DemoCityPath);

        Assert.Empty(read.Problems);
        Assert.Equal(seeded.Select(n => n.Code), read.Nodes.Select(n => n.Code));
        Assert.All(seeded.Zip(read.Nodes), pair =>
        {
            var (seed, geo) = pair;
            Assert.Equal((seed.Name, seed.Level, seed.Kind, seed.ParentCode, seed.Responsible), (geo.Name, geo.Level, geo.Kind, geo.ParentCode, geo.Responsible));
            Assert.Equal(seed.Workers, geo.Workers);
            Assert.True(seed.Boundary.EqualsTopologically(geo.Boundary), $"{seed.Code}: boundaries differ");
            Assert.True(seed.Boundary.EqualsExact(geo.Boundary), $"{seed.Code}: vertices differ");
        });
    }

    [Fact]
    public async Task CheckAsync_RiverCity_HasNoErrors()
    {
        var check = await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.RiverCity));

        Assert.Equal(17, check.Nodes.Count);
        Assert.Empty(check.Report.Errors);
    }

    [Fact]
    public async Task CheckAsync_RiverCity_WarnsOfTheSliverBetweenTwoGridsOfTheVillage()
    {
        var check = await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.RiverCity));

        var warning = Assert.Single(check.Report.Warnings);
        Assert.Equal((DivisionProblemKind.Overlap, "440399002001001", "440399002001002"), (warning.Kind, warning.Code, warning.OtherCode));
        Assert.InRange(warning.SquareMetres!.Value, 0.4, 0.6); // half of 3 units (663 m) by 1.5 mm
        Assert.InRange(warning.Location!.Longitude, 113.916, 113.91601);
    }

    [Fact]
    public async Task CheckAsync_RiverCityWithASmallerTolerance_MakesTheSliverAnError()
    {
        var check = await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.RiverCity), new CityImportOptions { SliverSquareMetres = 0.1 });

        Assert.Equal(DivisionProblemKind.Overlap, Assert.Single(check.Report.Errors).Kind);
        Assert.Empty(check.Report.Warnings);
    }

    [Fact]
    public async Task CheckAsync_RiverCityV2_HasNoErrors()
    {
        var check = await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.RiverCityV2));

        Assert.Empty(check.Report.Errors);
        Assert.Single(check.Report.Warnings);
    }

    [Fact]
    public async Task Between_RiverCityAndItsReDivision_FindsTheSplitTheMergeAndTheRename()
    {
        var v1 = (await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCity))).Nodes;
        var v2 = (await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCityV2))).Nodes;

        var diff = DivisionDiff.Between(v1, v2);

        Assert.Equal(["440399002002003", "440399002002004"], diff.Added.Select(n => n.Code).Order());
        Assert.Equal(["440399002001003", "440399002002001"], diff.Retired.Select(n => n.Code).Order());
        Assert.Equal(("440399001002003", "沙洲社区东片网格"), (Assert.Single(diff.Renamed).Code, diff.Renamed[0].After.Name));
        Assert.Equal("440399002001002", Assert.Single(diff.Reshaped).Code); // took in 渔港村第3网格
        Assert.Empty(diff.DetailsChanged);
    }

    [Fact]
    public async Task Summary_RiverCityAndItsReDivision_CountsTheGridChangesOnOneLine()
    {
        var v1 = (await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCity))).Nodes;
        var v2 = (await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCityV2))).Nodes;

        var lines = DivisionDiff.Between(v1, v2).Summary();

        Assert.Contains("communities: 4 (added 0, retired 0, renamed 0, reshaped 0, details changed 0)", lines);
        Assert.Contains("grids: 10 (added 2, retired 2, renamed 1, reshaped 1, details changed 0)", lines);
        Assert.Contains("added grid 440399002002003 稻田村南片网格", lines);
        Assert.Contains("reshaped grid 440399002001002 渔港村第2网格", lines);
        Assert.Equal(10, lines.Count);
    }

    [Fact]
    public async Task CheckAsync_BrokenCity_HasExactlyTheFourBreaks()
    {
        var check = await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.BrokenCity));

        Assert.Equal(
            [DivisionProblemKind.DuplicateCode, DivisionProblemKind.UnknownParent, DivisionProblemKind.Overlap, DivisionProblemKind.Gap],
            check.Report.Errors.Select(e => e.Kind).Order());
    }

    [Fact]
    public async Task CheckAsync_BrokenCity_NamesTheOverlappingGridsAndTheOverlapInSquareMetres()
    {
        var check = await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.BrokenCity));

        var overlap = Assert.Single(check.Report.Errors, e => e.Kind == DivisionProblemKind.Overlap);
        Assert.Equal(("440399002002001", "440399002002002"), (overlap.Code, overlap.OtherCode));
        Assert.Equal(3 * UnitSquareMetres, overlap.SquareMetres!.Value, 3 * UnitSquareMetres * 0.005); // 1 x 3 units
    }

    [Fact]
    public async Task CheckAsync_BrokenCity_NamesTheCommunityWithAGapAndWhereTheGapIs()
    {
        var check = await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.BrokenCity));

        var gap = Assert.Single(check.Report.Errors, e => e.Kind == DivisionProblemKind.Gap);
        Assert.Equal("440399001002", gap.Code);
        Assert.Equal(1.5 * UnitSquareMetres, gap.SquareMetres!.Value, 1.5 * UnitSquareMetres * 0.005); // 0.5 x 3 units
        Assert.InRange(gap.Location!.Longitude, 113.911, 113.912);
        Assert.InRange(gap.Location.Latitude, 22.500, 22.506);
    }

    [Fact]
    public async Task CheckAsync_BrokenCity_NamesTheOrphanAndItsMissingParent()
    {
        var check = await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.BrokenCity));

        var orphan = Assert.Single(check.Report.Errors, e => e.Kind == DivisionProblemKind.UnknownParent);
        Assert.Equal(("440399001009001", "440399001009"), (orphan.Code, orphan.OtherCode));
    }

    [Fact]
    public async Task CheckAsync_BrokenCity_NamesTheCodeUsedTwice()
    {
        var check = await CityMaps.CheckAsync(CityMaps.PathOf(CityMaps.BrokenCity));

        var duplicate = Assert.Single(check.Report.Errors, e => e.Kind == DivisionProblemKind.DuplicateCode);
        Assert.Equal("440399002001002", duplicate.Code);
    }

    [Fact]
    public async Task CheckAsync_NotJson_ReportsOnlyThat()
    {
        var check = await CityImport.CheckAsync(new MemoryStream(Encoding.UTF8.GetBytes("<kml/>")), new CityImportOptions());

        Assert.Equal(DivisionProblemKind.MalformedJson, Assert.Single(check.Report.Errors).Kind);
        Assert.Empty(check.Nodes);
    }

    [Theory]
    [InlineData(113.904, 22.503, "440399001002002")] // in the lake
    [InlineData(113.901, 22.501, "440399001002001")] // on the shore around it
    [InlineData(113.902, 22.509, "440399001001001")] // west of the river
    [InlineData(113.910, 22.509, "440399001001001")] // east of the river, the same grid
    [InlineData(113.906, 22.509, "440399001001002")] // the river
    public async Task ResolveGrid_RiverCity_FindsTheGridOfPointsInHolesAndInEitherPart(double longitude, double latitude, string grid)
    {
        var map = new CityMap((await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCity))).Nodes);

        Assert.Equal(grid, map.ResolveGrid(latitude, longitude)?.Code);
    }
}
