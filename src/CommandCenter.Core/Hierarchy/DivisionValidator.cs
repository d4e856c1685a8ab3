using System.Globalization;
using CommandCenter.Core.Alerts;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using NetTopologySuite.Operation.Valid;

namespace CommandCenter.Core.Hierarchy;

/// <summary>
/// Checks a whole division (区划): one city; codes follow the unit-grid scheme and name a parent one level up; every
/// boundary is a valid Polygon or MultiPolygon in lon/lat; every child lies inside its parent, siblings do not
/// overlap, and the children of a node cover it completely (全面覆盖、不留死角). Areas are judged in m²: below
/// <see cref="CityImportOptions.SliverSquareMetres"/> a warning, from it up an error.
/// </summary>
public static class DivisionValidator
{
    // Overlaying double-precision lon/lat leaves areas near 1e-7 m² where shapes only touch along an edge. Below a
    // square centimetre that is arithmetic, not land, and it is not reported at all.
    private const double NoiseSquareMetres = 1e-4;

    public static DivisionReport Validate(IReadOnlyCollection<AdminNode> nodes, CityImportOptions? options = null)
    {
        var sliver = (options ?? new CityImportOptions()).SliverSquareMetres;
        var problems = new List<DivisionProblem>();
        var byCode = new Dictionary<string, AdminNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!byCode.TryAdd(node.Code, node))
            {
                problems.Add(Problem(DivisionProblemKind.DuplicateCode, node, $"Node code {node.Code} ({node.Name}) is used twice."));
            }
        }

        // The first node with a code stands for it; later ones are reported above and checked no further.
        var unique = nodes.Where(n => ReferenceEquals(byCode[n.Code], n)).ToList();
        CheckOneCity(unique, problems);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var shaped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in unique)
        {
            if (CheckCode(node, byCode, problems))
            {
                placed.Add(node.Code);
            }

            if (CheckShape(node, problems))
            {
                shaped.Add(node.Code);
            }
        }

        var families = unique.Where(n => placed.Contains(n.Code)).ToLookup(n => n.ParentCode!, StringComparer.Ordinal);
        foreach (var parent in unique.Where(n => n.Level != NodeLevel.Grid && shaped.Contains(n.Code)))
        {
            CheckFamily(parent, [.. families[parent.Code]], shaped, sliver, problems);
        }

        return DivisionReport.Of(problems);
    }

    private static void CheckOneCity(List<AdminNode> nodes, List<DivisionProblem> problems)
    {
        var cities = nodes.Where(n => n.Level == NodeLevel.City).ToList();
        if (cities.Count != 1)
        {
            var found = cities.Count == 0 ? "none" : string.Join(", ", cities.Select(c => $"{c.Code} ({c.Name})"));
            problems.Add(new DivisionProblem(ProblemSeverity.Error, DivisionProblemKind.CityCount, null,
                $"A division needs exactly one city; found {cities.Count}: {found}."));
        }
    }

    /// <summary>Reports code and parent problems; true when the node sits under a known parent one level up.</summary>
    private static bool CheckCode(AdminNode node, Dictionary<string, AdminNode> byCode, List<DivisionProblem> problems)
    {
        var expectedLength = AdminNode.CodeLength(node.Level);
        if (node.Code.Length != expectedLength || !node.Code.All(char.IsAsciiDigit))
        {
            problems.Add(Problem(DivisionProblemKind.MalformedCode, node, $"{Title(node)}: code must be {expectedLength} digits."));
        }

        if (node.Level == NodeLevel.City)
        {
            if (node.ParentCode is not null)
            {
                problems.Add(Problem(DivisionProblemKind.WrongLevelParent, node, $"City {node.Code} ({node.Name}) must not have a parent.") with { OtherCode = node.ParentCode });
            }

            return false;
        }

        if (node.ParentCode is null || !byCode.TryGetValue(node.ParentCode, out var parent))
        {
            var what = node.ParentCode is null ? "has no parent" : $"parent '{node.ParentCode}' does not exist";
            problems.Add(Problem(DivisionProblemKind.UnknownParent, node, $"{Title(node)}: {what}.") with { OtherCode = node.ParentCode });
            return false;
        }

        var rightLevel = parent.Level == node.Level - 1;
        if (!rightLevel)
        {
            problems.Add(Problem(DivisionProblemKind.WrongLevelParent, node, $"{Title(node)}: parent {parent.Code} is a {parent.Level}, expected {node.Level - 1}.") with { OtherCode = parent.Code });
        }

        if (!node.Code.StartsWith(parent.Code, StringComparison.Ordinal))
        {
            problems.Add(Problem(DivisionProblemKind.MalformedCode, node, $"{Title(node)}: code must start with its parent's code {parent.Code}.") with { OtherCode = parent.Code });
        }

        return rightLevel;
    }

    /// <summary>Reports boundary problems; true when the boundary is sound enough to overlay with others.</summary>
    private static bool CheckShape(AdminNode node, List<DivisionProblem> problems)
    {
        var boundary = node.Boundary;
        if (boundary is not (Polygon or MultiPolygon))
        {
            problems.Add(Problem(DivisionProblemKind.UnsupportedGeometry, node, $"{Title(node)}: boundary is a {boundary.GeometryType}; only Polygon and MultiPolygon are allowed."));
            return false;
        }

        if (boundary.IsEmpty)
        {
            problems.Add(Problem(DivisionProblemKind.InvalidGeometry, node, $"{Title(node)}: boundary is empty."));
            return false;
        }

        var envelope = boundary.EnvelopeInternal;
        if (envelope.MinX < -180 || envelope.MaxX > 180 || envelope.MinY < -90 || envelope.MaxY > 90)
        {
            problems.Add(Problem(DivisionProblemKind.InvalidGeometry, node, $"{Title(node)}: boundary is not in WGS84 longitude/latitude (it spans {Number(envelope.MinX)}…{Number(envelope.MaxX)}, {Number(envelope.MinY)}…{Number(envelope.MaxY)}); a projected map in metres must be converted first."));
            return false;
        }

        // Validity first: a self-crossing ring can have zero area and would otherwise be misreported as empty.
        var error = new IsValidOp(boundary).ValidationError;
        if (error is not null)
        {
            problems.Add(Problem(DivisionProblemKind.InvalidGeometry, node, $"{Title(node)}: boundary is not a valid polygon ({error.Message} at {Format(error.Coordinate)}).") with
            {
                Location = new GeoPoint(error.Coordinate.Y, error.Coordinate.X),
            });
            return false;
        }

        if (boundary.Area <= 0)
        {
            problems.Add(Problem(DivisionProblemKind.InvalidGeometry, node, $"{Title(node)}: boundary has no area."));
            return false;
        }

        return true;
    }

    private static void CheckFamily(AdminNode parent, AdminNode[] children, HashSet<string> shaped, double sliver, List<DivisionProblem> problems)
    {
        var childLevel = Levels.Plural(parent.Level + 1);
        var parentArea = GeoArea.SquareMetres(parent.Boundary);
        if (children.Length == 0)
        {
            problems.Add(Problem(DivisionProblemKind.Gap, parent, $"{Title(parent)} has no {childLevel}: none of its {Area(parentArea)} is covered.") with
            {
                SquareMetres = parentArea,
                Location = GeoArea.PointIn(parent.Boundary),
            });
            return;
        }

        var usable = children.Where(c => shaped.Contains(c.Code)).ToArray();
        foreach (var child in usable)
        {
            var outside = child.Boundary.Difference(parent.Boundary);
            AddArea(problems, sliver, DivisionProblemKind.OutsideParent, child, parent.Code, outside, size =>
                $"{Title(child)} is not inside its {Levels.Singular(parent.Level)} {parent.Code} ({parent.Name}): {size} lies outside, near {Format(outside.InteriorPoint.Coordinate)}.");
        }

        for (var i = 0; i < usable.Length; i++)
        {
            for (var j = i + 1; j < usable.Length; j++)
            {
                var (a, b) = (usable[i], usable[j]);
                if (!a.Boundary.EnvelopeInternal.Intersects(b.Boundary.EnvelopeInternal))
                {
                    continue;
                }

                var overlap = a.Boundary.Intersection(b.Boundary);
                AddArea(problems, sliver, DivisionProblemKind.Overlap, a, b.Code, overlap, size =>
                    $"{Title(a)} overlaps {b.Code} ({b.Name}) by {size}, near {Format(overlap.InteriorPoint.Coordinate)}.");
            }
        }

        // A child whose boundary cannot be overlaid is already reported; its place would only show up again as a gap.
        if (usable.Length < children.Length)
        {
            return;
        }

        var gaps = parent.Boundary.Difference(UnaryUnionOp.Union(usable.Select(c => c.Boundary).ToList()));
        for (var k = 0; k < gaps.NumGeometries; k++)
        {
            var gap = gaps.GetGeometryN(k);
            if (gap.Area <= 0)
            {
                continue;
            }

            var near = usable.MinBy(c => c.Boundary.Distance(gap.InteriorPoint))!;
            AddArea(problems, sliver, DivisionProblemKind.Gap, parent, near.Code, gap, size =>
                $"{Title(parent)} is not fully covered by its {childLevel}: a gap of {size}, next to {near.Code} ({near.Name}), near {Format(gap.InteriorPoint.Coordinate)}.");
        }
    }

    /// <summary>
    /// Adds a problem about <paramref name="area"/> of <paramref name="node"/> unless it is noise: a warning below the
    /// sliver tolerance, else an error. The message is given its size, e.g. "22,744 m², 2.50% of its area".
    /// </summary>
    private static void AddArea(
        List<DivisionProblem> problems,
        double sliver,
        DivisionProblemKind kind,
        AdminNode node,
        string otherCode,
        Geometry area,
        Func<string, string> message)
    {
        var squareMetres = GeoArea.SquareMetres(area);
        if (squareMetres < NoiseSquareMetres)
        {
            return;
        }

        var isSliver = squareMetres < sliver;
        var text = message($"{Area(squareMetres)}, {Share(area.Area / node.Boundary.Area)} of its area");
        problems.Add(new DivisionProblem(
            isSliver ? ProblemSeverity.Warning : ProblemSeverity.Error,
            kind,
            node.Code,
            isSliver ? $"{text} This is a sliver below the tolerance of {Area(sliver)}." : text)
        {
            OtherCode = otherCode,
            SquareMetres = squareMetres,
            Location = GeoArea.PointIn(area),
        });
    }

    private static DivisionProblem Problem(DivisionProblemKind kind, AdminNode node, string message) =>
        new(ProblemSeverity.Error, kind, node.Code, message);

    private static string Title(AdminNode node) => $"{node.Level} {node.Code} ({node.Name})";

    private static string Area(double squareMetres) =>
        squareMetres >= 100
            ? string.Create(CultureInfo.InvariantCulture, $"{squareMetres:N0} m²")
            : string.Create(CultureInfo.InvariantCulture, $"{squareMetres:0.###} m²");

    private static string Share(double fraction) =>
        fraction >= 0.0001 ? string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0.##}%") : "under 0.01%";

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Format(Coordinate c) => string.Create(CultureInfo.InvariantCulture, $"lon {c.X:F6}, lat {c.Y:F6}");
}

/// <summary>Level names as they read in English messages.</summary>
internal static class Levels
{
    public static string Singular(NodeLevel level) => level.ToString().ToLowerInvariant();

    public static string Plural(NodeLevel level) => level switch
    {
        NodeLevel.City => "cities",
        NodeLevel.Community => "communities",
        _ => Singular(level) + "s",
    };
}
