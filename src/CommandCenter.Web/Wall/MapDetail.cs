using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Web.Wall;

/// <summary>
/// How fine a scope's map is drawn: the finest level under the scope (grids, then communities, then towns) with at
/// most <see cref="MaxShapes"/> shapes, and the scope's children at the coarsest. The demo city's 300 grids are drawn
/// one by one; a city of 12,000 grids is drawn by its 600 communities, each standing for its grids, so the shapes a
/// wall draws stay bounded whatever the city's size (setting <c>Wall:MapShapes</c>).
/// </summary>
public sealed record MapDetail(int MaxShapes)
{
    /// <summary>
    /// About what a wall's map panel can show legibly at 5 m: 800 shapes on ~1,000 × 800 pixels are 30-pixel
    /// patches whose colour reads from across the room; 12,000 grids would be 7-pixel specks.
    /// </summary>
    public const int DefaultMaxShapes = 800;

    public static MapDetail Default { get; } = new(DefaultMaxShapes);

    /// <summary>The level the scope's map draws its shapes at.</summary>
    public NodeLevel LevelFor(CityMap map, AdminNode scope)
    {
        if (scope.Level == NodeLevel.Grid)
        {
            return NodeLevel.Grid;
        }

        for (var level = NodeLevel.Grid; level > scope.Level + 1; level--)
        {
            if (Under(map, scope, level).Take(MaxShapes + 1).Count() <= MaxShapes)
            {
                return level;
            }
        }

        return scope.Level + 1;
    }

    /// <summary>The nodes at <paramref name="level"/> under <paramref name="node"/>, in the map's order (the node itself at its own level).</summary>
    public static IEnumerable<AdminNode> Under(CityMap map, AdminNode node, NodeLevel level)
    {
        if (node.Level >= level)
        {
            yield return node;
            yield break;
        }

        foreach (var child in map.Children(node.Code))
        {
            foreach (var below in Under(map, child, level))
            {
                yield return below;
            }
        }
    }
}

/// <summary>The wall's settings (section <c>Wall</c>).</summary>
public sealed class WallOptions
{
    /// <summary><c>Wall:MapShapes</c>: the most shapes a wall's map draws (see <see cref="MapDetail"/>).</summary>
    public int MapShapes { get; set; } = MapDetail.DefaultMaxShapes;
}
