using CommandCenter.Core.Hierarchy;
using CommandCenter.Testing;
using NetTopologySuite.Geometries;

namespace CommandCenter.Core.Tests.Hierarchy;

/// <summary>
/// A small division near lon 113.9, lat 22.5: one town, one community, two grids side by side. A unit is 0.001°:
/// 110.574 m of latitude and 102.846 m of longitude there (111,320 m · cos 22.5°), so a unit square is 11,372 m².
/// </summary>
public class DivisionValidatorTests
{
    private const double UnitSquareMetres = 11_372.1;

    // Pushing the middle of the 2-unit (221.148 m) shared edge 0.00005 units (5 mm) sideways makes a triangle of 0.57 m².
    private const double SliverBulge = 0.00005;
    private const double SliverSquareMetres = 0.5 * 221.148 * (SliverBulge * 102.846);

    private const string City = "440399", Town = "440399001", Community = "440399001001";
    private const string West = "440399001001001", East = "440399001001002";
    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    [Fact]
    public void Validate_SoundDivision_HasNoProblems()
    {
        var report = DivisionValidator.Validate(Division());

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
        Assert.True(report.IsValid);
    }

    [Fact]
    public void Validate_DemoCity_HasNoErrorsAndNoWarnings()
    {
        var report = DivisionValidator.Validate([.. DemoCity.Load().Nodes]);

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Validate_CodeUsedTwice_IsADuplicateCodeError()
    {
        var nodes = Division();
        nodes.Add(nodes.Single(n => n.Code == East) with { Name = "重复网格" });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.DuplicateCode, East), (error.Kind, error.Code));
        Assert.Contains("used twice", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("44039900100100")]
    [InlineData("44039900100100X")]
    [InlineData("440399001002001")]
    public void Validate_GridCodeBreakingTheScheme_IsAMalformedCodeError(string badCode)
    {
        var nodes = Replace(Division(), West, n => n with { Code = badCode });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.MalformedCode, badCode), (error.Kind, error.Code));
    }

    [Fact]
    public void Validate_ParentThatDoesNotExist_IsAnUnknownParentErrorAndLeavesAGap()
    {
        var nodes = Replace(Division(), West, n => n with { ParentCode = "440399001009" });

        var report = DivisionValidator.Validate(nodes);

        Assert.Contains(report.Errors, e => e is { Kind: DivisionProblemKind.UnknownParent, Code: West, OtherCode: "440399001009" });
        Assert.Contains(report.Errors, e => e is { Kind: DivisionProblemKind.Gap, Code: Community });
    }

    [Fact]
    public void Validate_GridUnderATown_IsAWrongLevelParentError()
    {
        var nodes = Replace(Division(), West, n => n with { ParentCode = Town });

        var report = DivisionValidator.Validate(nodes);

        Assert.Contains(report.Errors, e => e is { Kind: DivisionProblemKind.WrongLevelParent, Code: West, OtherCode: Town });
    }

    [Fact]
    public void Validate_CityWithAParent_IsAWrongLevelParentError()
    {
        var nodes = Replace(Division(), City, n => n with { ParentCode = "440300" });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.WrongLevelParent, City), (error.Kind, error.Code));
    }

    [Fact]
    public void Validate_TwoCities_IsACityCountError()
    {
        var nodes = Division();
        nodes.Add(Node("440398", NodeLevel.City, null, Box(10, 0, 12, 2)));

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors, e => e.Kind == DivisionProblemKind.CityCount);
        Assert.Contains("440398", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoCity_IsACityCountError()
    {
        var nodes = Division().Where(n => n.Level != NodeLevel.City).ToList();

        var report = DivisionValidator.Validate(nodes);

        Assert.Contains(report.Errors, e => e.Kind == DivisionProblemKind.CityCount && e.Message.Contains("found 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GridReachingOutOfItsCommunity_IsAnOutsideParentErrorWithTheAreaOutside()
    {
        // The community is 4 x 2 units; the east grid grows one unit east of it.
        var nodes = Replace(Division(), East, n => n with { Boundary = Box(2, 0, 5, 2) });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors, e => e.Kind == DivisionProblemKind.OutsideParent);
        Assert.Equal((East, Community), (error.Code, error.OtherCode));
        Assert.Equal(2 * UnitSquareMetres, error.SquareMetres!.Value, 2 * UnitSquareMetres * 0.005);
        Assert.InRange(error.Location!.Longitude, 113.904, 113.905);
    }

    [Fact]
    public void Validate_SiblingsOverlapping_IsAnOverlapErrorWithTheOverlapInSquareMetres()
    {
        var nodes = Replace(Division(), West, n => n with { Boundary = Box(0, 0, 3, 2) });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.Overlap, West, East), (error.Kind, error.Code, error.OtherCode));
        Assert.Equal(2 * UnitSquareMetres, error.SquareMetres!.Value, 2 * UnitSquareMetres * 0.005);
        Assert.Contains("22,744 m²", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GridsLeavingAGap_IsAGapErrorWithItsAreaAndWhereItIs()
    {
        var nodes = Replace(Division(), East, n => n with { Boundary = Box(3, 0, 4, 2) });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.Gap, Community), (error.Kind, error.Code));
        Assert.Equal(2 * UnitSquareMetres, error.SquareMetres!.Value, 2 * UnitSquareMetres * 0.005);
        Assert.InRange(error.Location!.Longitude, 113.902, 113.903);
        Assert.InRange(error.Location.Latitude, 22.500, 22.502);
        Assert.Contains("not fully covered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CommunityWithoutGrids_IsAGapCoveringAllOfIt()
    {
        var nodes = Division().Where(n => n.Level != NodeLevel.Grid).ToList();

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.Gap, Community), (error.Kind, error.Code));
        Assert.Equal(8 * UnitSquareMetres, error.SquareMetres!.Value, 8 * UnitSquareMetres * 0.005);
    }

    [Fact]
    public void Validate_OverlapOfHalfASquareMetre_IsOnlyAWarning()
    {
        var nodes = Replace(Division(), West, n => n with { Boundary = Bulge(SliverBulge) });

        var report = DivisionValidator.Validate(nodes);

        Assert.Empty(report.Errors);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal((DivisionProblemKind.Overlap, West, East), (warning.Kind, warning.Code, warning.OtherCode));
        Assert.Equal(SliverSquareMetres, warning.SquareMetres!.Value, SliverSquareMetres * 0.01);
        Assert.Contains("sliver", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GapOfHalfASquareMetre_IsOnlyAWarning()
    {
        var nodes = Replace(Division(), West, n => n with { Boundary = Bulge(-SliverBulge) });

        var report = DivisionValidator.Validate(nodes);

        Assert.Empty(report.Errors);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal((DivisionProblemKind.Gap, Community), (warning.Kind, warning.Code));
        Assert.Equal(SliverSquareMetres, warning.SquareMetres!.Value, SliverSquareMetres * 0.01);
    }

    [Fact]
    public void Validate_SliverAtTheTolerance_IsAnErrorAndJustBelowItAWarning()
    {
        var nodes = Replace(Division(), West, n => n with { Boundary = Bulge(SliverBulge) });
        var area = DivisionValidator.Validate(nodes).Warnings.Single().SquareMetres!.Value;

        var atTolerance = DivisionValidator.Validate(nodes, new CityImportOptions { SliverSquareMetres = area });
        var aboveTolerance = DivisionValidator.Validate(nodes, new CityImportOptions { SliverSquareMetres = area * 1.001 });

        Assert.Equal(DivisionProblemKind.Overlap, Assert.Single(atTolerance.Errors).Kind);
        Assert.Empty(atTolerance.Warnings);
        Assert.Empty(aboveTolerance.Errors);
        Assert.Equal(DivisionProblemKind.Overlap, Assert.Single(aboveTolerance.Warnings).Kind);
    }

    [Fact]
    public void Validate_GridInTwoPartsEitherSideOfAnother_IsAccepted()
    {
        var nodes = Replace(Division(), West, n => n with { Boundary = Wgs84.CreateMultiPolygon([Box(0, 0, 1, 2), Box(3, 0, 4, 2)]) });
        nodes = Replace(nodes, East, n => n with { Boundary = Box(1, 0, 3, 2) });

        var report = DivisionValidator.Validate(nodes);

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Validate_GridWithAHoleFilledByAnotherGrid_IsAccepted()
    {
        var nodes = Replace(Division(), West, n => n with { Boundary = WithHole(Box(0, 0, 2, 2), Box(0.5, 0.5, 1.5, 1.5)) });
        nodes.Add(Node("440399001001003", NodeLevel.Grid, Community, Box(0.5, 0.5, 1.5, 1.5)));

        var report = DivisionValidator.Validate(nodes);

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Validate_HoleThatNoGridFills_IsAGapInTheHole()
    {
        var nodes = Replace(Division(), West, n => n with { Boundary = WithHole(Box(0, 0, 2, 2), Box(0.5, 0.5, 1.5, 1.5)) });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.Gap, Community), (error.Kind, error.Code));
        Assert.Equal(UnitSquareMetres, error.SquareMetres!.Value, UnitSquareMetres * 0.005);
        Assert.InRange(error.Location!.Longitude, 113.9005, 113.9015);
    }

    [Fact]
    public void Validate_SelfCrossingRing_IsAnInvalidGeometryError()
    {
        var bowTie = Wgs84.CreatePolygon([At(2, 0), At(4, 2), At(4, 0), At(2, 2), At(2, 0)]);
        var nodes = Replace(Division(), East, n => n with { Boundary = bowTie });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.InvalidGeometry, East), (error.Kind, error.Code));
        Assert.NotNull(error.Location);
    }

    [Fact]
    public void Validate_RingThatGoesThereAndBack_IsAnInvalidGeometryError()
    {
        var collapsed = Wgs84.CreatePolygon([At(2, 0), At(4, 0), At(2, 0)]);
        var nodes = Replace(Division(), East, n => n with { Boundary = collapsed });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.InvalidGeometry, East), (error.Kind, error.Code));
    }

    [Fact]
    public void Validate_PointForABoundary_IsAnUnsupportedGeometryError()
    {
        var nodes = Replace(Division(), East, n => n with { Boundary = Wgs84.CreatePoint(At(3, 1)) });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.UnsupportedGeometry, East), (error.Kind, error.Code));
    }

    [Fact]
    public void Validate_BoundaryInProjectedMetres_IsAnInvalidGeometryError()
    {
        var metres = Wgs84.CreatePolygon([new(500_000, 2_490_000), new(500_200, 2_490_000), new(500_200, 2_490_200), new(500_000, 2_490_000)]);
        var nodes = Replace(Division(), East, n => n with { Boundary = metres });

        var report = DivisionValidator.Validate(nodes);

        var error = Assert.Single(report.Errors);
        Assert.Equal((DivisionProblemKind.InvalidGeometry, East), (error.Kind, error.Code));
        Assert.Contains("longitude/latitude", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SquareMetres_OneThousandthOfADegreeSquare_ShrinksWithTheCosineOfLatitude()
    {
        var atEquator = GeoArea.SquareMetres(Wgs84.CreatePolygon([new(0, 0), new(0.001, 0), new(0.001, 0.001), new(0, 0.001), new(0, 0)]));
        var atSixty = GeoArea.SquareMetres(Wgs84.CreatePolygon([new(0, 60), new(0.001, 60), new(0.001, 60.001), new(0, 60.001), new(0, 60)]));

        Assert.Equal(12_309.1, atEquator, 0.5); // 110.574 m x 111.320 m
        Assert.Equal(atEquator / 2, atSixty, 1.0);
    }

    private static List<AdminNode> Division() =>
    [
        Node(City, NodeLevel.City, null, Box(0, 0, 4, 2)),
        Node(Town, NodeLevel.Town, City, Box(0, 0, 4, 2)),
        Node(Community, NodeLevel.Community, Town, Box(0, 0, 4, 2)),
        Node(West, NodeLevel.Grid, Community, Box(0, 0, 2, 2)),
        Node(East, NodeLevel.Grid, Community, Box(2, 0, 4, 2)),
    ];

    private static AdminNode Node(string code, NodeLevel level, string? parent, Geometry boundary) =>
        new(code, $"节点{code[^3..]}", level, level switch
        {
            NodeLevel.City => NodeKind.City,
            NodeLevel.Town => NodeKind.Street,
            NodeLevel.Community => NodeKind.Community,
            _ => NodeKind.Urban,
        }, parent, new Person("张三", "13900000000"), [], boundary);

    private static List<AdminNode> Replace(List<AdminNode> nodes, string code, Func<AdminNode, AdminNode> change) =>
        [.. nodes.Select(n => n.Code == code ? change(n) : n)];

    private static Coordinate At(double x, double y) => new(113.9 + (x * 0.001), 22.5 + (y * 0.001));

    private static Polygon Box(double x0, double y0, double x1, double y1) =>
        Wgs84.CreatePolygon([At(x0, y0), At(x1, y0), At(x1, y1), At(x0, y1), At(x0, y0)]);

    private static Polygon WithHole(Polygon shell, Polygon hole) =>
        Wgs84.CreatePolygon(shell.Shell, [(LinearRing)hole.Shell.Reverse()]);

    /// <summary>The west grid with its east edge pushed <paramref name="units"/> east (or, negative, west) at its middle.</summary>
    private static Polygon Bulge(double units) =>
        Wgs84.CreatePolygon([At(0, 0), At(2, 0), At(2 + units, 1), At(2, 2), At(0, 2), At(0, 0)]);
}
