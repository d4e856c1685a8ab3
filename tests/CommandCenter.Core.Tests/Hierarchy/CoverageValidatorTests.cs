using CommandCenter.Core.Hierarchy;
using CommandCenter.Testing;
using NetTopologySuite.Geometries;

namespace CommandCenter.Core.Tests.Hierarchy;

public class CoverageValidatorTests
{
    private static readonly IReadOnlyList<AdminNode> _seed = DemoCity.Load().Nodes;

    // A grid in the middle of its community (second row, third column), away from the city's border.
    private static readonly string _gridCode = DemoCity.GridCode(1, 2, 8);
    private static readonly string _communityCode = _gridCode[..12];

    [Fact]
    public void Validate_DemoSeed_FindsNoProblems()
    {
        var problems = CoverageValidator.Validate([.. _seed]);

        Assert.Empty(problems);
    }

    [Fact]
    public void EnsureValid_DemoSeed_DoesNotThrow()
    {
        var ex = Record.Exception(() => CoverageValidator.EnsureValid([.. _seed]));

        Assert.Null(ex);
    }

    [Fact]
    public void Validate_ShrunkGrid_ReportsGapInItsCommunityNextToAGridThere()
    {
        var grid = Grid(_gridCode);
        var nodes = Replace(grid, grid with { Boundary = Shrink(grid.Boundary, 0.0002) });
        var nearby = _seed
            .Where(n => n.ParentCode == _communityCode && n.Boundary.Intersects(grid.Boundary))
            .Select(n => n.Code)
            .ToList();

        var problems = CoverageValidator.Validate(nodes);

        var problem = Assert.Single(problems);
        Assert.Contains($"Community {_communityCode}", problem, StringComparison.Ordinal);
        Assert.Contains("not fully covered", problem, StringComparison.Ordinal);
        Assert.Contains(nearby, code => problem.Contains($"next to {code}", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GridEnlargedOverNeighbour_ReportsOverlapNamingBoth()
    {
        var grid = Grid(_gridCode);
        var neighbour = Grid(DemoCity.GridCode(1, 2, 9));
        var enlarged = grid.Boundary.Union(neighbour.Boundary);
        var nodes = Replace(grid, grid with { Boundary = enlarged });

        var problems = CoverageValidator.Validate(nodes);

        var problem = Assert.Single(problems);
        Assert.Contains("overlaps", problem, StringComparison.Ordinal);
        Assert.Contains(grid.Code, problem, StringComparison.Ordinal);
        Assert.Contains(neighbour.Code, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GridMovedOutOfItsCommunity_ReportsItIsNotInside()
    {
        var grid = Grid(_gridCode);
        var nodes = Replace(grid, grid with { Boundary = Translate(grid.Boundary, dx: 1.0, dy: 0) });

        var problems = CoverageValidator.Validate(nodes);

        Assert.Contains(problems, p => p.StartsWith($"Grid {grid.Code}", StringComparison.Ordinal)
            && p.Contains($"is not inside its community {_communityCode}", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GridCodeOfFourteenDigits_ReportsCodeLength()
    {
        var grid = Grid(_gridCode);
        var shortCode = grid.Code[..14];
        var nodes = Replace(grid, grid with { Code = shortCode });

        var problems = CoverageValidator.Validate(nodes);

        Assert.Contains(problems, p => p.Contains($"Grid {shortCode} ", StringComparison.Ordinal)
            && p.Contains("must be 15 digits", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GridCodeWithLetter_ReportsCodeFormat()
    {
        var grid = Grid(_gridCode);
        var badCode = grid.Code[..14] + "X";
        var nodes = Replace(grid, grid with { Code = badCode });

        var problems = CoverageValidator.Validate(nodes);

        Assert.Contains(problems, p => p.Contains($"Grid {badCode} ", StringComparison.Ordinal)
            && p.Contains("must be 15 digits", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GridWithUnknownParent_ReportsMissingParent()
    {
        var grid = Grid(_gridCode);
        var nodes = Replace(grid, grid with { ParentCode = "330188002099" });

        var problems = CoverageValidator.Validate(nodes);

        var problem = Assert.Single(problems);
        Assert.Contains($"Grid {grid.Code}", problem, StringComparison.Ordinal);
        Assert.Contains("parent '330188002099' does not exist", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GridCodeNotStartingWithParentCode_ReportsIt()
    {
        var grid = Grid(_gridCode);
        var nodes = Replace(grid, grid with { ParentCode = "330188002004" });

        var problems = CoverageValidator.Validate(nodes);

        Assert.Contains(problems, p => p.Contains($"Grid {grid.Code}", StringComparison.Ordinal)
            && p.Contains("must start with its parent's code 330188002004", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GridWhoseParentIsATown_ReportsWrongLevel()
    {
        var grid = Grid(_gridCode);
        var nodes = Replace(grid, grid with { ParentCode = "330188002" });

        var problems = CoverageValidator.Validate(nodes);

        Assert.Contains(problems, p => p.Contains($"Grid {grid.Code}", StringComparison.Ordinal)
            && p.Contains("is a Town, expected Community", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SelfIntersectingGrid_ReportsInvalidPolygon()
    {
        var grid = Grid(_gridCode);
        var nodes = Replace(grid, grid with { Boundary = BowTie(grid.Boundary.EnvelopeInternal, lowerLobe: 0.5) });

        var problems = CoverageValidator.Validate(nodes);

        var problem = Assert.Single(problems);
        Assert.Contains($"Grid {grid.Code}", problem, StringComparison.Ordinal);
        Assert.Contains("not a valid polygon", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SymmetricBowTieGrid_IsReportedAsInvalidNotEmpty()
    {
        // Equal lobes cancel out to zero area; the validity check must still name it for what it is.
        var grid = Grid(_gridCode);
        var nodes = Replace(grid, grid with { Boundary = BowTie(grid.Boundary.EnvelopeInternal, lowerLobe: 1.0) });

        var problems = CoverageValidator.Validate(nodes);

        var problem = Assert.Single(problems);
        Assert.Contains($"Grid {grid.Code}", problem, StringComparison.Ordinal);
        Assert.Contains("not a valid polygon", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateCode_ReportsItIsUsedTwice()
    {
        var grid = Grid(_gridCode);
        List<AdminNode> nodes = [.. _seed, grid];

        var problems = CoverageValidator.Validate(nodes);

        var problem = Assert.Single(problems);
        Assert.Contains($"Node code {grid.Code}", problem, StringComparison.Ordinal);
        Assert.Contains("used twice", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CityWithParent_ReportsIt()
    {
        var city = _seed.Single(n => n.Level == NodeLevel.City);
        var nodes = Replace(city, city with { ParentCode = "330100" });

        var problems = CoverageValidator.Validate(nodes);

        var problem = Assert.Single(problems);
        Assert.Contains($"City {city.Code}", problem, StringComparison.Ordinal);
        Assert.Contains("must not have a parent", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureValid_BrokenGrid_ThrowsNamingTheGrid()
    {
        var grid = Grid(_gridCode);
        var nodes = Replace(grid, grid with { Boundary = Translate(grid.Boundary, dx: 1.0, dy: 0) });

        var ex = Assert.Throws<DomainRuleException>(() => CoverageValidator.EnsureValid(nodes));

        Assert.Contains(grid.Code, ex.Message, StringComparison.Ordinal);
    }

    private static AdminNode Grid(string code) => _seed.Single(n => n.Code == code);

    /// <summary>A copy of the seed with one node swapped for a broken version of it.</summary>
    private static List<AdminNode> Replace(AdminNode original, AdminNode broken) =>
        [.. _seed.Select(n => ReferenceEquals(n, original) ? broken : n)];

    /// <summary>The polygon pulled in by <paramref name="distance"/> degrees on every side.</summary>
    private static Geometry Shrink(Geometry polygon, double distance) => polygon.Buffer(-distance);

    private static Polygon Translate(Geometry polygon, double dx, double dy) =>
        polygon.Factory.CreatePolygon([.. polygon.Coordinates.Select(c => new Coordinate(c.X + dx, c.Y + dy))]);

    /// <summary>
    /// A ring that crosses itself. With <paramref name="lowerLobe"/> below 1 the lobes differ in size, so the
    /// (signed) area is not zero and only the validity check can catch it.
    /// </summary>
    private static Polygon BowTie(Envelope box, double lowerLobe) =>
        new GeometryFactory().CreatePolygon(
        [
            new Coordinate(box.MinX, box.MinY),
            new Coordinate(box.MaxX, box.MaxY),
            new Coordinate(box.MaxX, box.MinY),
            new Coordinate(box.MinX, box.MinY + (box.Height * lowerLobe)),
            new Coordinate(box.MinX, box.MinY),
        ]);
}
