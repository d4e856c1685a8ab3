using NetTopologySuite.Geometries;

namespace CommandCenter.Core.Hierarchy;

/// <summary>
/// One node of the grid hierarchy with its boundary: a Polygon or a MultiPolygon (a grid split by a river), holes
/// allowed, lon/lat in WGS84. Immutable; the tree is held by <see cref="CityMap"/>.
/// </summary>
public sealed record AdminNode(
    string Code,
    string Name,
    NodeLevel Level,
    NodeKind Kind,
    string? ParentCode,
    Person Responsible,
    IReadOnlyList<Person> Workers,
    Geometry Boundary)
{
    /// <summary>Length of a node's code at each level: 6-digit district, +3 town, +3 community, +3 grid sequence.</summary>
    public static int CodeLength(NodeLevel level) => level switch
    {
        NodeLevel.City => 6,
        NodeLevel.Town => 9,
        NodeLevel.Community => 12,
        NodeLevel.Grid => 15,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };
}
