using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace CommandCenter.Core.Hierarchy;

/// <summary>
/// Proves that a hierarchy is sound: codes follow the unit-grid scheme, every child lies inside its parent,
/// siblings do not overlap, and the children of a node cover it completely (全面覆盖、不留死角).
/// </summary>
public static class CoverageValidator
{
    /// <summary>Areas below this share of the smaller polygon are rounding noise, not gaps or overlaps.</summary>
    private const double RelativeTolerance = 1e-6;

    public static IReadOnlyList<string> Validate(IReadOnlyCollection<AdminNode> nodes)
    {
        var problems = new List<string>();
        var byCode = new Dictionary<string, AdminNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!byCode.TryAdd(node.Code, node))
            {
                problems.Add($"Node code {node.Code} ({node.Name}) is used twice.");
            }
        }

        foreach (var node in nodes)
        {
            CheckCode(node, byCode, problems);
            CheckShape(node, problems);
        }

        if (problems.Count > 0)
        {
            return problems; // Geometry checks below need sound codes and valid shapes.
        }

        foreach (var family in nodes.Where(n => n.ParentCode is not null).GroupBy(n => n.ParentCode!))
        {
            CheckFamily(byCode[family.Key], [.. family], problems);
        }

        return problems;
    }

    /// <summary>Throws with every problem listed when the hierarchy is not sound.</summary>
    public static void EnsureValid(IReadOnlyCollection<AdminNode> nodes)
    {
        var problems = Validate(nodes);
        if (problems.Count > 0)
        {
            throw new DomainRuleException(
                $"The city seed is broken ({problems.Count} problem(s)):{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", problems));
        }
    }

    private static void CheckCode(AdminNode node, Dictionary<string, AdminNode> byCode, List<string> problems)
    {
        var expectedLength = AdminNode.CodeLength(node.Level);
        if (node.Code.Length != expectedLength || !node.Code.All(char.IsAsciiDigit))
        {
            problems.Add($"{node.Level} {node.Code} ({node.Name}): code must be {expectedLength} digits.");
        }

        if (node.Level == NodeLevel.City)
        {
            if (node.ParentCode is not null)
            {
                problems.Add($"City {node.Code} ({node.Name}) must not have a parent.");
            }

            return;
        }

        if (node.ParentCode is null || !byCode.TryGetValue(node.ParentCode, out var parent))
        {
            problems.Add($"{node.Level} {node.Code} ({node.Name}): parent '{node.ParentCode}' does not exist.");
            return;
        }

        if (parent.Level != node.Level - 1)
        {
            problems.Add($"{node.Level} {node.Code} ({node.Name}): parent {parent.Code} is a {parent.Level}, expected {node.Level - 1}.");
        }

        if (!node.Code.StartsWith(parent.Code, StringComparison.Ordinal))
        {
            problems.Add($"{node.Level} {node.Code} ({node.Name}): code must start with its parent's code {parent.Code}.");
        }
    }

    private static void CheckShape(AdminNode node, List<string> problems)
    {
        if (node.Boundary.IsEmpty)
        {
            problems.Add($"{node.Level} {node.Code} ({node.Name}): boundary is empty.");
            return;
        }

        // Validity first: a self-crossing ring can have zero area and would otherwise be misreported as empty.
        var error = new IsValidOp(node.Boundary).ValidationError;
        if (error is not null)
        {
            problems.Add($"{node.Level} {node.Code} ({node.Name}): boundary is not a valid polygon ({error.Message} at {error.Coordinate}).");
        }
        else if (node.Boundary.Area <= 0)
        {
            problems.Add($"{node.Level} {node.Code} ({node.Name}): boundary has no area.");
        }
    }

    private static void CheckFamily(AdminNode parent, AdminNode[] children, List<string> problems)
    {
        foreach (var child in children)
        {
            var outside = child.Boundary.Difference(parent.Boundary).Area;
            if (outside > RelativeTolerance * child.Boundary.Area)
            {
                problems.Add($"{child.Level} {child.Code} ({child.Name}) is not inside its {parent.Level.ToString().ToLowerInvariant()} {parent.Code} ({parent.Name}): {Share(outside, child.Boundary.Area)} lies outside.");
            }
        }

        for (var i = 0; i < children.Length; i++)
        {
            for (var j = i + 1; j < children.Length; j++)
            {
                var (a, b) = (children[i], children[j]);
                if (!a.Boundary.EnvelopeInternal.Intersects(b.Boundary.EnvelopeInternal))
                {
                    continue;
                }

                var overlap = a.Boundary.Intersection(b.Boundary).Area;
                if (overlap > RelativeTolerance * Math.Min(a.Boundary.Area, b.Boundary.Area))
                {
                    problems.Add($"{a.Level} {a.Code} ({a.Name}) overlaps {b.Code} ({b.Name}) by {Share(overlap, a.Boundary.Area)} of its area.");
                }
            }
        }

        var covered = Geometry.Union(children.Select(c => c.Boundary));
        var gap = parent.Boundary.Difference(covered);
        if (gap.Area > RelativeTolerance * parent.Boundary.Area)
        {
            var near = children
                .OrderBy(c => c.Boundary.Distance(gap.InteriorPoint))
                .First();
            problems.Add($"{parent.Level} {parent.Code} ({parent.Name}) is not fully covered by its {children[0].Level.ToString().ToLowerInvariant()}s: a gap of {Share(gap.Area, parent.Boundary.Area)} of its area next to {near.Code} ({near.Name}) near {Format(gap.InteriorPoint.Coordinate)}.");
        }
    }

    private static string Share(double part, double whole) => $"{part / whole:P2}";

    private static string Format(Coordinate c) => $"lon {c.X:F6}, lat {c.Y:F6}";

    private static class Geometry
    {
        public static NetTopologySuite.Geometries.Geometry Union(IEnumerable<Polygon> polygons) =>
            NetTopologySuite.Operation.Union.CascadedPolygonUnion.Union([.. polygons]);
    }
}
