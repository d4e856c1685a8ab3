using CommandCenter.Core.Hierarchy;
using CommandCenter.Testing;
using NetTopologySuite.Geometries;

namespace CommandCenter.Core.Tests.Hierarchy;

public class DivisionDiffTests
{
    private static readonly IReadOnlyList<AdminNode> _city = DemoCity.Load().Nodes;
    private static readonly string _gridCode = DemoCity.GridCode(1, 2, 8);

    [Fact]
    public void Between_NothingStored_AddsEveryNode()
    {
        var diff = DivisionDiff.Between([], _city);

        Assert.Equal(337, diff.Added.Count);
        Assert.Empty(diff.Retired);
        Assert.Empty(diff.Renamed);
        Assert.Empty(diff.Reshaped);
        Assert.Empty(diff.DetailsChanged);
        Assert.Equal(300, diff.IncomingCounts[NodeLevel.Grid]);
        Assert.Equal(1, diff.IncomingCounts[NodeLevel.City]);
    }

    [Fact]
    public void Between_SameDivision_IsEmpty()
    {
        var diff = DivisionDiff.Between(_city, [.. _city]);

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Between_GridLeftOut_RetiresIt()
    {
        var diff = DivisionDiff.Between(_city, [.. _city.Where(n => n.Code != _gridCode)]);

        Assert.Equal(_gridCode, Assert.Single(diff.Retired).Code);
        Assert.Empty(diff.Added);
        Assert.Equal(299, diff.IncomingCounts[NodeLevel.Grid]);
    }

    [Fact]
    public void Between_NewName_RenamesTheNode()
    {
        var diff = DivisionDiff.Between(_city, Replace(_gridCode, n => n with { Name = "新名网格" }));

        var renamed = Assert.Single(diff.Renamed);
        Assert.Equal((_gridCode, "新名网格"), (renamed.Code, renamed.After.Name));
        Assert.Empty(diff.Reshaped);
        Assert.Empty(diff.DetailsChanged);
    }

    [Fact]
    public void Between_RingStartingAtAnotherVertexAndRunningTheOtherWay_IsNotAReshape()
    {
        var diff = DivisionDiff.Between(_city, Replace(_gridCode, n => n with { Boundary = Rotated((Polygon)n.Boundary).Reverse() }));

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Between_ExtraVertexOnAStraightEdge_IsNotAReshape()
    {
        // The north-west grid's first edge runs along the city's west border, so its midpoint is exactly on it.
        var diff = DivisionDiff.Between(_city, Replace(DemoCity.GridCode(0, 0, 1), n => n with { Boundary = WithMidpoint((Polygon)n.Boundary) }));

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Between_VertexMoved_ReshapesTheNode()
    {
        var diff = DivisionDiff.Between(_city, Replace(_gridCode, n => n with { Boundary = Moved((Polygon)n.Boundary) }));

        Assert.Equal(_gridCode, Assert.Single(diff.Reshaped).Code);
        Assert.Empty(diff.Renamed);
    }

    [Fact]
    public void Between_NewResponsibleKindAndWorkers_ListsEachDetail()
    {
        var diff = DivisionDiff.Between(_city, Replace(_gridCode, n => n with
        {
            Kind = NodeKind.Rural,
            Responsible = new Person("新负责人", "13800000000"),
            Workers = [.. n.Workers, new Person("新网格员", "13800000001")],
        }));

        var changed = Assert.Single(diff.DetailsChanged);
        Assert.Equal(["kind", "responsible", "workers"], DivisionDiff.ChangedDetails(changed));
    }

    [Fact]
    public void Between_WorkersInAnotherOrder_ChangesNothing()
    {
        var grid = _city.First(n => n.Workers.Count > 1);

        var diff = DivisionDiff.Between(_city, [.. _city.Select(n => n == grid ? n with { Workers = [.. n.Workers.Reverse()] } : n)]);

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Summary_CountsPerLevelThenOneLinePerChange()
    {
        var retired = DemoCity.GridCode(0, 0, 1);
        var incoming = Replace(_gridCode, n => n with { Name = "新名网格" }).Where(n => n.Code != retired).ToList();

        var lines = DivisionDiff.Between(_city, incoming).Summary();

        Assert.Equal(
        [
            "city: 1 (added 0, retired 0, renamed 0, reshaped 0, details changed 0)",
            "towns: 6 (added 0, retired 0, renamed 0, reshaped 0, details changed 0)",
            "communities: 30 (added 0, retired 0, renamed 0, reshaped 0, details changed 0)",
            "grids: 299 (added 0, retired 1, renamed 1, reshaped 0, details changed 0)",
            $"retired grid {retired} 翠苑社区第1网格",
            $"renamed grid {_gridCode}: {_city.Single(n => n.Code == _gridCode).Name} → 新名网格",
        ], lines);
    }

    private static List<AdminNode> Replace(string code, Func<AdminNode, AdminNode> change) =>
        [.. _city.Select(n => n.Code == code ? change(n) : n)];

    /// <summary>The same ring, starting at its second vertex.</summary>
    private static Polygon Rotated(Polygon polygon)
    {
        var ring = polygon.Shell.Coordinates[..^1];
        return polygon.Factory.CreatePolygon([.. ring[1..], .. ring[..2]]);
    }

    /// <summary>The same shape with the midpoint of its first edge as an extra vertex.</summary>
    private static Polygon WithMidpoint(Polygon polygon)
    {
        var ring = polygon.Shell.Coordinates;
        var (a, b) = (ring[0], ring[1]);
        return polygon.Factory.CreatePolygon([a, new Coordinate((a.X + b.X) / 2, (a.Y + b.Y) / 2), .. ring[1..]]);
    }

    /// <summary>The shape with its second vertex moved about 10 m.</summary>
    private static Polygon Moved(Polygon polygon)
    {
        var ring = polygon.Shell.Coordinates.Select(c => c.Copy()).ToArray();
        ring[1].X += 0.0001;
        return polygon.Factory.CreatePolygon(ring);
    }
}
