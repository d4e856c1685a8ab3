using System.Text;
using System.Text.Json.Nodes;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Import;
using CommandCenter.Testing;
using NetTopologySuite.Geometries;

namespace CommandCenter.Infrastructure.Tests.Import;

public sealed class GeoJsonCityReaderTests
{
    private const string Square = """{"type": "Polygon", "coordinates": [[[113.9, 22.5], [113.901, 22.5], [113.901, 22.501], [113.9, 22.501], [113.9, 22.5]]]}""";
    private const string CityProperties = """ "code": "440399", "name": "江洲市", "level": "city" """;
    private const string TownProperties = """ "code": "440399001", "name": "江北街道", "level": "town", "parentCode": "440399" """;

    [Fact]
    public async Task ReadAsync_RiverCity_ReadsEveryFeatureWithoutAProblem()
    {
        var read = await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCity));

        Assert.Empty(read.Problems);
        Assert.Equal(17, read.Nodes.Count);
        Assert.Equal([1, 2, 4, 10], read.Nodes.CountBy(n => n.Level).OrderBy(c => c.Key).Select(c => c.Value));
        Assert.All(read.Nodes, n => Assert.Equal(4326, n.Boundary.SRID));
    }

    [Fact]
    public async Task ReadAsync_RiverCity_ReadsCodesNamesParentsAndPeopleAsWritten()
    {
        const string code = "440399001002001";
        var written = JsonNode.Parse(await File.ReadAllTextAsync(CityMaps.PathOf(CityMaps.RiverCity)))!["features"]!.AsArray()
            .Single(f => f!["properties"]!["code"]!.GetValue<string>() == code)!["properties"]!;

        var grid = (await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCity))).Nodes.Single(n => n.Code == code);

        Assert.Equal(("沙洲社区第1网格", NodeLevel.Grid, NodeKind.Urban, "440399001002"), (grid.Name, grid.Level, grid.Kind, grid.ParentCode));
        Assert.Equal(new Person(written["responsible"]!.GetValue<string>(), written["responsiblePhone"]!.GetValue<string>()), grid.Responsible);
        Assert.Equal(
            written["workers"]!.AsArray().Select(w => new Person(w!["name"]!.GetValue<string>(), w["phone"]!.GetValue<string>())),
            grid.Workers);
    }

    [Fact]
    public async Task ReadAsync_GridEitherSideOfTheRiver_IsOneNodeInTwoParts()
    {
        var read = await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCity));

        var grid = read.Nodes.Single(n => n.Code == "440399001001001");

        var parts = Assert.IsType<MultiPolygon>(grid.Boundary);
        Assert.Equal(2, parts.NumGeometries);
    }

    [Fact]
    public async Task ReadAsync_GridAroundTheLake_HasTheLakeAsAHole()
    {
        var read = await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCity));

        var grid = Assert.IsType<Polygon>(read.Nodes.Single(n => n.Code == "440399001002001").Boundary);
        var lake = read.Nodes.Single(n => n.Code == "440399001002002").Boundary;

        Assert.True(Assert.Single(grid.Holes).Factory.CreatePolygon(grid.Holes[0]).EqualsTopologically(lake));
    }

    [Fact]
    public async Task ReadAsync_KindLeftOut_FollowsTheParent()
    {
        var read = await CityMaps.ReadAsync(CityMaps.PathOf(CityMaps.RiverCity));

        var kinds = read.Nodes.ToDictionary(n => n.Name, n => n.Kind);

        Assert.Equal(NodeKind.Community, kinds["滨江社区"]); // under 江北街道, a Street
        Assert.Equal(NodeKind.Urban, kinds["滨江社区第1网格"]); // written
        Assert.Equal(NodeKind.Rural, kinds["渔港村第1网格"]); // under 渔港村, a Village
    }

    [Fact]
    public async Task ReadAsync_TownAndItsCommunityWithoutKinds_AreAStreetAndACommunity()
    {
        var read = await Read(Collection(
            Feature(CityProperties),
            Feature(TownProperties),
            Feature(""" "code": "440399001001", "name": "滨江社区", "level": "community", "parentCode": "440399001" """)));

        Assert.Equal([NodeKind.City, NodeKind.Street, NodeKind.Community], read.Nodes.Select(n => n.Kind));
    }

    [Fact]
    public async Task ReadAsync_CommunityOfATownWithoutKind_IsAVillage()
    {
        var read = await Read(Collection(
            Feature(CityProperties),
            Feature(TownProperties + """, "kind": "town" """),
            Feature(""" "code": "440399001001", "name": "渔港村", "level": "community", "parentCode": "440399001" """)));

        Assert.Equal([NodeKind.City, NodeKind.Town, NodeKind.Village], read.Nodes.Select(n => n.Kind));
    }

    [Fact]
    public async Task ReadAsync_CodeWrittenAsANumber_IsReadAsItsDigits()
    {
        var read = await Read(Collection(Feature(""" "code": 440399, "name": "江洲市", "level": "City" """)));

        Assert.Empty(read.Problems);
        Assert.Equal("440399", Assert.Single(read.Nodes).Code);
    }

    [Theory]
    [InlineData("{ \"type\": \"FeatureCollection\", \"features\": [")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task ReadAsync_NotJson_IsAMalformedJsonProblem(string text)
    {
        var read = await Read(text);

        var problem = Assert.Single(read.Problems);
        Assert.Equal((DivisionProblemKind.MalformedJson, null), (problem.Kind, problem.Code));
        Assert.Empty(read.Nodes);
    }

    [Theory]
    [InlineData("""{"type": "Feature", "properties": {}, "geometry": null}""")]
    [InlineData(Square)]
    [InlineData("""[{"type": "Feature"}]""")]
    [InlineData("""{"type": "FeatureCollection"}""")]
    [InlineData("""{"type": "FeatureCollection", "features": {}}""")]
    public async Task ReadAsync_NotAFeatureCollection_IsNamedSo(string json)
    {
        var read = await Read(json);

        Assert.Equal(DivisionProblemKind.NotAFeatureCollection, Assert.Single(read.Problems).Kind);
        Assert.Empty(read.Nodes);
    }

    [Theory]
    [InlineData(""" "name": "无码网格", "level": "grid", "parentCode": "440399001001" """, Square, DivisionProblemKind.MissingProperty, null)]
    [InlineData(""" "code": "440399002", "level": "town", "parentCode": "440399" """, Square, DivisionProblemKind.MissingProperty, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "parentCode": "440399" """, Square, DivisionProblemKind.MissingProperty, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "town" """, Square, DivisionProblemKind.MissingProperty, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "district", "parentCode": "440399" """, Square, DivisionProblemKind.InvalidProperty, "440399002")]
    [InlineData(""" "code": "440399002", "name": 7, "level": "town", "parentCode": "440399" """, Square, DivisionProblemKind.InvalidProperty, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "town", "parentCode": "440399", "kind": "Suburb" """, Square, DivisionProblemKind.InvalidProperty, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "town", "parentCode": "440399", "kind": "Rural" """, Square, DivisionProblemKind.InvalidProperty, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "town", "parentCode": "440399", "responsiblePhone": 5718888888 """, Square, DivisionProblemKind.InvalidProperty, "440399002")]
    [InlineData(""" "code": "440399001001001", "name": "网格", "level": "grid", "parentCode": "440399001001", "workers": "张三" """, Square, DivisionProblemKind.InvalidProperty, "440399001001001")]
    [InlineData(""" "code": "440399001001001", "name": "网格", "level": "grid", "parentCode": "440399001001", "workers": [{"phone": "13900000000"}] """, Square, DivisionProblemKind.InvalidProperty, "440399001001001")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "town", "parentCode": "440399" """, """{"type": "Point", "coordinates": [113.9, 22.5]}""", DivisionProblemKind.UnsupportedGeometry, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "town", "parentCode": "440399" """, """{"type": "LineString", "coordinates": [[113.9, 22.5], [113.901, 22.5]]}""", DivisionProblemKind.UnsupportedGeometry, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "town", "parentCode": "440399" """, "null", DivisionProblemKind.MissingProperty, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "town", "parentCode": "440399" """, """{"type": "Polygon", "coordinates": [[[113.9, 22.5], [113.901, 22.5], [113.901, 22.501], [113.9, 22.501]]]}""", DivisionProblemKind.InvalidGeometry, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "town", "parentCode": "440399" """, """{"type": "Circle", "coordinates": [113.9, 22.5]}""", DivisionProblemKind.InvalidGeometry, "440399002")]
    [InlineData(""" "code": "440399002", "name": "河口镇", "level": "town", "parentCode": "440399" """, """{"type": "Polygon", "coordinates": [[["113.9", 22.5]]]}""", DivisionProblemKind.InvalidGeometry, "440399002")]
    public async Task ReadAsync_BadFeature_IsAProblemNamingItAndTheOthersAreStillRead(string properties, string geometry, DivisionProblemKind kind, string? code)
    {
        var read = await Read(Collection(Feature(CityProperties), Feature(properties, geometry), Feature(TownProperties)));

        var problem = Assert.Single(read.Problems);
        Assert.Equal((kind, code, 1), (problem.Kind, problem.Code, problem.FeatureIndex));
        Assert.StartsWith(code is null ? "Feature #1 " : $"Feature #1 ({code}) ", problem.Message, StringComparison.Ordinal);
        Assert.Equal(["440399", "440399001"], read.Nodes.Select(n => n.Code));
    }

    [Theory]
    [InlineData("42")]
    [InlineData(Square)]
    [InlineData("""{"type": "Feature", "properties": [1, 2], "geometry": null}""")]
    public async Task ReadAsync_EntryThatIsNotAFeature_IsAMalformedFeatureNamedByIndex(string entry)
    {
        var read = await Read(Collection(Feature(CityProperties), entry));

        var problem = Assert.Single(read.Problems);
        Assert.Equal((DivisionProblemKind.MalformedFeature, 1), (problem.Kind, problem.FeatureIndex));
        Assert.Equal("440399", Assert.Single(read.Nodes).Code);
    }

    [Fact]
    public async Task ReadAsync_FeatureWithoutProperties_IsAMissingPropertyProblem()
    {
        var read = await Read(Collection($$"""{"type": "Feature", "geometry": {{Square}} }"""));

        var problem = Assert.Single(read.Problems);
        Assert.Equal((DivisionProblemKind.MissingProperty, null, 0), (problem.Kind, problem.Code, problem.FeatureIndex));
    }

    private static string Feature(string properties, string geometry = Square) =>
        $$"""{"type": "Feature", "properties": { {{properties}} }, "geometry": {{geometry}} }""";

    private static string Collection(params string[] features) =>
        $$"""{"type": "FeatureCollection", "features": [{{string.Join(", ", features)}}]}""";

    private static Task<CityReadResult> Read(string json) => GeoJsonCityReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)));
}
