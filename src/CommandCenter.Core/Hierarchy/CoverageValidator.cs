namespace CommandCenter.Core.Hierarchy;

/// <summary>
/// Proves that the seeded hierarchy is sound before the app starts on it: the errors of
/// <see cref="DivisionValidator"/>, with structure problems (codes, parents, shapes) listed alone when there are any,
/// since a misplaced node also leaves a gap where it belonged and that second message only hides the first.
/// </summary>
public static class CoverageValidator
{
    private static readonly HashSet<DivisionProblemKind> AreaKinds =
        [DivisionProblemKind.OutsideParent, DivisionProblemKind.Overlap, DivisionProblemKind.Gap];

    public static IReadOnlyList<string> Validate(IReadOnlyCollection<AdminNode> nodes)
    {
        var errors = DivisionValidator.Validate(nodes).Errors;
        var structure = errors.Where(e => !AreaKinds.Contains(e.Kind)).ToList();
        return [.. (structure.Count > 0 ? structure : errors).Select(e => e.Message)];
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
}
