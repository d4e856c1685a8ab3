using CommandCenter.Core;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Infrastructure.Seeding;

/// <summary>Checks a seed as a whole before anything is stored: coverage of the city, teams placed on real nodes, a policy for every category.</summary>
public static class SeedValidator
{
    /// <summary>Every problem of the seed; the demo city and its teams only when <paramref name="withCity"/> (they are loaded only then).</summary>
    public static IReadOnlyList<string> Validate(DemoSeed seed, bool withCity = true)
    {
        var problems = new List<string>(withCity ? CoverageValidator.Validate(seed.Nodes) : []);
        var nodes = seed.Nodes.ToDictionary(n => n.Code);
        foreach (var team in withCity ? seed.Teams : [])
        {
            if (!nodes.TryGetValue(team.NodeCode, out var node))
            {
                problems.Add($"Team {team.Code} ({team.Name}) belongs to node '{team.NodeCode}', which does not exist.");
            }
            else if (node.Level != team.Level)
            {
                problems.Add($"Team {team.Code} ({team.Name}) is a {team.Level} team but its node {node.Code} is a {node.Level}.");
            }
        }

        foreach (var duplicate in (withCity ? seed.Teams : []).GroupBy(t => t.Code).Where(g => g.Count() > 1))
        {
            problems.Add($"Team code {duplicate.Key} is used {duplicate.Count()} times.");
        }

        try
        {
            var categories = new CategoryTree(seed.Categories);
            problems.AddRange(seed.Policy.FindGaps(categories).Select(gap => $"Policy v{seed.Policy.Version} has no deadlines for {gap}."));
            problems.AddRange(seed.Policy.Rules
                .Where(rule => categories.Find(rule.CategoryCode) is null)
                .Select(rule => $"Policy v{seed.Policy.Version} has a deadline for unknown category '{rule.CategoryCode}'."));
        }
        catch (DomainRuleException ex)
        {
            problems.Add(ex.Message);
        }

        return problems;
    }

    public static void EnsureValid(DemoSeed seed, string folder, bool withCity = true)
    {
        var problems = Validate(seed, withCity);
        if (problems.Count > 0)
        {
            throw new DomainRuleException(
                $"The seed in {folder} is broken ({problems.Count} problem(s)); fix it and start again:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", problems));
        }
    }
}
