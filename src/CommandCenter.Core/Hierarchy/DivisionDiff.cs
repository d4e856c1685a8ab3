using NetTopologySuite.Geometries;

namespace CommandCenter.Core.Hierarchy;

/// <summary>A node present before and after a change of the division, as it was and as it will be.</summary>
public sealed record NodeChange(AdminNode Before, AdminNode After)
{
    public string Code => After.Code;
}

/// <summary>
/// What a new division changes against the stored one, node by node (matched by code): added, retired, renamed,
/// reshaped, and details changed (kind, responsible person, workers). A node can be in several of the last three.
/// </summary>
public sealed record DivisionDiff(
    IReadOnlyDictionary<NodeLevel, int> IncomingCounts,
    IReadOnlyList<AdminNode> Added,
    IReadOnlyList<AdminNode> Retired,
    IReadOnlyList<NodeChange> Renamed,
    IReadOnlyList<NodeChange> Reshaped,
    IReadOnlyList<NodeChange> DetailsChanged)
{
    public bool IsEmpty => Added.Count + Retired.Count + Renamed.Count + Reshaped.Count + DetailsChanged.Count == 0;

    /// <summary>
    /// The difference from <paramref name="current"/> to <paramref name="incoming"/>. Boundaries are compared as point
    /// sets, so a ring that starts at another vertex or runs the other way is not a reshape. Both sides must hold
    /// each code once (the validator's job): a repeated code is taken at its first occurrence.
    /// </summary>
    public static DivisionDiff Between(IReadOnlyCollection<AdminNode> current, IReadOnlyCollection<AdminNode> incoming)
    {
        var before = ByCode(current);
        var after = ByCode(incoming);
        var kept = after.Values.Where(n => before.ContainsKey(n.Code)).Select(n => new NodeChange(before[n.Code], n)).ToList();
        return new DivisionDiff(
            Enum.GetValues<NodeLevel>().ToDictionary(level => level, level => after.Values.Count(n => n.Level == level)),
            [.. after.Values.Where(n => !before.ContainsKey(n.Code))],
            [.. before.Values.Where(n => !after.ContainsKey(n.Code))],
            [.. kept.Where(c => c.Before.Name != c.After.Name)],
            [.. kept.Where(c => !SameShape(c.Before.Boundary, c.After.Boundary))],
            [.. kept.Where(c => ChangedDetails(c).Count > 0)]);
    }

    /// <summary>What of a node's details changed: any of "kind", "responsible", "workers".</summary>
    public static IReadOnlyList<string> ChangedDetails(NodeChange change)
    {
        var (a, b) = (change.Before, change.After);
        var changed = new List<string>();
        if (a.Kind != b.Kind)
        {
            changed.Add("kind");
        }

        if (a.Responsible != b.Responsible)
        {
            changed.Add("responsible");
        }

        // The same people listed in another order are the same workers.
        if (!a.Workers.OrderBy(Key).SequenceEqual(b.Workers.OrderBy(Key)))
        {
            changed.Add("workers");
        }

        return changed;

        static string Key(Person p) => $"{p.Name}\u001f{p.Phone}";
    }

    /// <summary>
    /// Plain-text lines: one per level with its count in the incoming division and the number of each change, then one
    /// line per change, e.g. <c>grids: 300 (added 2, retired 1, renamed 0, reshaped 1, details changed 0)</c>.
    /// </summary>
    public IReadOnlyList<string> Summary()
    {
        var lines = new List<string>();
        foreach (var level in Enum.GetValues<NodeLevel>())
        {
            var label = level == NodeLevel.City ? "city" : Levels.Plural(level);
            lines.Add($"{label}: {IncomingCounts[level]} (added {Added.Count(n => n.Level == level)}, retired {Retired.Count(n => n.Level == level)}, " +
                $"renamed {Renamed.Count(c => c.After.Level == level)}, reshaped {Reshaped.Count(c => c.After.Level == level)}, " +
                $"details changed {DetailsChanged.Count(c => c.After.Level == level)})");
        }

        var changes = Added.Select(n => (n.Code, Line: $"added {Name(n)}"))
            .Concat(Retired.Select(n => (n.Code, Line: $"retired {Name(n)}")))
            .Concat(Renamed.Select(c => (c.Code, Line: $"renamed {Levels.Singular(c.After.Level)} {c.Code}: {c.Before.Name} → {c.After.Name}")))
            .Concat(Reshaped.Select(c => (c.Code, Line: $"reshaped {Name(c.After)}")))
            .Concat(DetailsChanged.Select(c => (c.Code, Line: $"details changed {Name(c.After)}: {string.Join(", ", ChangedDetails(c))}")))
            .OrderBy(x => x.Code, StringComparer.Ordinal);
        lines.AddRange(changes.Select(x => x.Line));
        return lines;

        static string Name(AdminNode n) => $"{Levels.Singular(n.Level)} {n.Code} {n.Name}";
    }

    private static Dictionary<string, AdminNode> ByCode(IEnumerable<AdminNode> nodes)
    {
        var byCode = new Dictionary<string, AdminNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            byCode.TryAdd(node.Code, node);
        }

        return byCode;
    }

    /// <summary>
    /// Equal point sets. The normalized comparison is cheap and settles re-ordered rings; the topological one also
    /// settles an extra vertex along a straight edge, and needs valid shapes to give an answer.
    /// </summary>
    private static bool SameShape(Geometry a, Geometry b)
    {
        if (a.EqualsNormalized(b))
        {
            return true;
        }

        return a.IsValid && b.IsValid && a.EqualsTopologically(b);
    }
}
