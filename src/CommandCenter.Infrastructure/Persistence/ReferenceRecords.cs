using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Infrastructure.Persistence;

// Stored forms of the reference data. The domain's AdminNode holds an NTS polygon; SQLite gets its WKT.

public sealed class NodeRecord
{
    public required string Code { get; init; }

    public required string Name { get; set; }

    public required NodeLevel Level { get; init; }

    public required NodeKind Kind { get; set; }

    public string? ParentCode { get; init; }

    public required string ResponsibleName { get; set; }

    public string? ResponsiblePhone { get; set; }

    public required List<Person> Workers { get; set; }

    public required string BoundaryWkt { get; set; }

    /// <summary>The division version that last added or changed this node.</summary>
    public int DivisionVersion { get; set; }

    /// <summary>Set when a re-division retired the node: kept so history can still name it, never drawn or resolved to.</summary>
    public int? RetiredInDivision { get; set; }
}

/// <summary>One import of the city's map: the first one and every re-division (回头看) after it.</summary>
public sealed class DivisionRecord
{
    public required int Version { get; init; }

    public required DateTimeOffset ImportedAt { get; init; }

    public required string ImportedBy { get; init; }

    /// <summary>Where the map came from (a file name), as the importer was told.</summary>
    public required string Source { get; init; }

    /// <summary>The printed summary of what changed: nodes per level, added, retired, renamed, reshaped.</summary>
    public required string Summary { get; init; }
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
