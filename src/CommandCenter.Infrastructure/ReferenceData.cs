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

    /// <summary>The policy new alerts start with: the newest version.</summary>
    public EscalationPolicy CurrentPolicy => Current.Policies[^1];

    public bool IsLoaded => _snapshot is not null;

    private Snapshot Current => _snapshot ?? throw new InvalidOperationException("Reference data is not loaded yet; the store initialiser runs at start-up.");

    public EscalationPolicy Policy(int version) =>
        Current.Policies.FirstOrDefault(p => p.Version == version)
        ?? throw new DomainRuleException($"Escalation policy version {version} does not exist.");

    public void Load(CityMap? map, CategoryTree categories, IEnumerable<EscalationPolicy> policies)
    {
        var ordered = policies.OrderBy(p => p.Version).ToArray();
        if (ordered.Length == 0)
        {
            throw new DomainRuleException("No escalation policy is stored.");
        }

        _snapshot = new Snapshot(map, categories, ordered);
        Changed?.Invoke();
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
