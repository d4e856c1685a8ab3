using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Infrastructure.Persistence;

// Stored forms of the reference data. The domain's AdminNode holds an NTS polygon; SQLite gets its WKT.

public sealed class NodeRecord
{
    public required string Code { get; init; }

    public required string Name { get; init; }

    public required NodeLevel Level { get; init; }

    public required NodeKind Kind { get; init; }

    public string? ParentCode { get; init; }

    public required string ResponsibleName { get; init; }

    public string? ResponsiblePhone { get; init; }

    public required List<Person> Workers { get; init; }

    public required string BoundaryWkt { get; init; }
}

public sealed class CategoryRecord
{
    public required string Code { get; init; }

    public required string Name { get; init; }

    public string? ParentCode { get; init; }
}

/// <summary>One version of the escalation policy, kept forever: alerts refer to the version they started with.</summary>
public sealed class PolicyRecord
{
    public required int Version { get; init; }

    public required string Name { get; init; }

    public required DateTimeOffset EffectiveFrom { get; init; }

    /// <summary>The policy as JSON, in the shape of seeds/policies.json.</summary>
    public required string Document { get; init; }

    public required DateTimeOffset LoadedAt { get; init; }
}
