using CommandCenter.Core;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Policies;

namespace CommandCenter.Infrastructure;

/// <summary>
/// The read-mostly data every request needs — the city map, the category tree and the policy versions — loaded
/// from the store at start-up and shared. Reading it never touches the database. A store a city has not moved into
/// yet has categories and a policy but no map: <see cref="HasCity"/> says so, and <see cref="Map"/> refuses.
/// </summary>
public sealed class ReferenceData
{
    private volatile Snapshot? _snapshot;

    /// <summary>The city map; a <see cref="NoCityException"/> before the first import.</summary>
    public CityMap Map => Current.Map ?? throw new NoCityException();

    /// <summary>False until a city map has been imported.</summary>
    public bool HasCity => _snapshot?.Map is not null;

    public CategoryTree Categories => Current.Categories;

    /// <summary>
    /// The newest version: what an administrator edits from and compares with. It may not be in force yet (its
    /// effective-from can lie ahead); a new alert or warning takes <see cref="PolicyAt"/> instead.
    /// </summary>
    public EscalationPolicy CurrentPolicy => Current.Policies[^1];

    /// <summary>Every stored version, oldest first.</summary>
    public IReadOnlyList<EscalationPolicy> Policies => Current.Policies;

    public bool IsLoaded => _snapshot is not null;

    private Snapshot Current => _snapshot ?? throw new InvalidOperationException("Reference data is not loaded yet; the store initialiser runs at start-up.");

    public EscalationPolicy Policy(int version) =>
        Current.Policies.FirstOrDefault(p => p.Version == version)
        ?? throw new DomainRuleException($"Escalation policy version {version} does not exist.");

    /// <summary>
    /// The version in force at <paramref name="at"/>: the newest whose effective-from has come. Before the first
    /// version's effective-from the first applies, so a report is never refused for want of a policy.
    /// </summary>
    public EscalationPolicy PolicyAt(DateTimeOffset at)
    {
        var policies = Current.Policies;
        for (var i = policies.Length - 1; i >= 0; i--)
        {
            if (policies[i].EffectiveFrom <= at)
            {
                return policies[i];
            }
        }

        return policies[0];
    }

    public void Load(CityMap? map, CategoryTree categories, IEnumerable<EscalationPolicy> policies)
    {
        _snapshot = new Snapshot(map, categories, Ordered(policies));
        Changed?.Invoke();
    }

    /// <summary>
    /// Swaps in a new set of policy versions (an administrator saved one) and keeps the map and categories. Readers
    /// see the old snapshot or the new one, never a mix; the compare-and-swap keeps a map swapped in meanwhile.
    /// </summary>
    public void ReplacePolicies(IEnumerable<EscalationPolicy> policies)
    {
        var ordered = Ordered(policies);
        while (true)
        {
            var current = Current;
            if (Interlocked.CompareExchange(ref _snapshot, current with { Policies = ordered }, current) == current)
            {
                Changed?.Invoke();
                return;
            }
        }
    }

    private static EscalationPolicy[] Ordered(IEnumerable<EscalationPolicy> policies)
    {
        var ordered = policies.OrderBy(p => p.Version).ToArray();
        return ordered.Length == 0 ? throw new DomainRuleException("No escalation policy is stored.") : ordered;
    }

    /// <summary>
    /// Raised after every load (a re-division, a new policy version, the first import): holders of anything derived
    /// from the map (the walls' states and shapes) rebuild it. Handlers must be quick and must not throw.
    /// </summary>
    public event Action? Changed;

    private sealed record Snapshot(CityMap? Map, CategoryTree Categories, EscalationPolicy[] Policies);
}

/// <summary>Something needs the city map before one was imported.</summary>
public sealed class NoCityException() : DomainRuleException(
    "No city map has been imported yet: an administrator imports it on the admin page (/admin/city) or with the import-city command.");
