using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Wall;

/// <summary>
/// A scope's map as SVG: its shapes (grids, or communities or towns at a coarser <see cref="Detail"/>), the borders and
/// names of its children, a projection for points, and the wall's layers as markup shared by every wall showing the scope.
/// </summary>
public sealed record ScopeMap(
    string ViewBox,
    NodeLevel Detail,
    IReadOnlyList<MapShape> Cells,
    IReadOnlyList<MapShape> Children,
    Func<double, double, (double X, double Y)> Project)
{
    public required MapMarkup Markup { get; init; }
}

/// <summary>A node's boundary as one SVG path (every part and hole), with the point to write its name at.</summary>
public sealed record MapShape(string Code, string Name, string Path, double LabelX, double LabelY);

/// <summary>
/// Draws the seed polygons as SVG, no map tiles (a government network has no internet). Shapes, and the wall's
/// markup of them, are computed once per scope and server and shared by every wall; how fine a scope is drawn is
/// <see cref="MapDetail"/>'s rule, so the shapes stay bounded whatever the city's size.
/// </summary>
public sealed class WallGeometry(ReferenceData reference, MapDetail? detail = null)
{
    private const double Width = 1000;
    private readonly MapDetail _detail = detail ?? MapDetail.Default;
    private Drawn? _drawn;

    /// <summary>The scope's shapes, drawn once per loaded map: a re-division brings new shapes with it.</summary>
    public ScopeMap For(string scopeCode)
    {
        // The maps drawn hang off the map they were drawn from, swapped whole: a build that began on the old map can
        // never be kept for the new one, and walls asking at once share one build (a large city's takes a while).
        var map = reference.Map;
        var drawn = Volatile.Read(ref _drawn);
        if (drawn is null || !ReferenceEquals(drawn.Map, map))
        {
            var fresh = new Drawn(map);
            drawn = Interlocked.CompareExchange(ref _drawn, fresh, drawn) == drawn ? fresh : Volatile.Read(ref _drawn)!;
        }

        return drawn.Scopes.GetOrAdd(scopeCode, code => new Lazy<ScopeMap>(() => Build(drawn.Map, code))).Value;
    }

    private sealed record Drawn(CityMap Map)
    {
        public ConcurrentDictionary<string, Lazy<ScopeMap>> Scopes { get; } = new(StringComparer.Ordinal);
    }

    private ScopeMap Build(CityMap map, string scopeCode)
    {
        var scope = map.Find(scopeCode) ?? throw new ArgumentException($"Unknown scope '{scopeCode}'.", nameof(scopeCode));
        var envelope = scope.Boundary.EnvelopeInternal;

        // Equirectangular with the longitude squeezed by cos(latitude): shapes keep their proportions at city scale.
        var squeeze = Math.Cos(envelope.Centre.Y * Math.PI / 180);
        var scale = Width / (envelope.Width * squeeze);
        var height = envelope.Height * scale;
        (double X, double Y) Project(double lat, double lon) => ((lon - envelope.MinX) * squeeze * scale, (envelope.MaxY - lat) * scale);

        var level = _detail.LevelFor(map, scope);
        var nodes = MapDetail.Under(map, scope, level).ToList();
        var cells = nodes.Select(n => Shape(n, Project)).ToList();
        var children = scope.Level == NodeLevel.Grid ? [] : map.Children(scopeCode).Select(c => Shape(c, Project)).ToList();
        int[][] blocks = [.. nodes.Select((node, index) => (node.ParentCode, index))
            .GroupBy(x => x.ParentCode, StringComparer.Ordinal)
            .Select(g => g.Select(x => x.index).ToArray())];
        IReadOnlyList<string>[] gridsOfCell = [.. nodes.Select(n => (IReadOnlyList<string>)[.. MapDetail.Under(map, n, NodeLevel.Grid).Select(g => g.Code)])];

        // A coarse map draws a grid only as a hotspot: those few shapes are made when first asked for.
        var gridShapes = new ConcurrentDictionary<string, MapShape?>(StringComparer.Ordinal);
        MapShape? GridShape(string code) => gridShapes.GetOrAdd(code, c => map.Find(c) is { Level: NodeLevel.Grid } grid ? Shape(grid, Project) : null);

        return new ScopeMap(string.Create(CultureInfo.InvariantCulture, $"0 0 {Width:0} {height:0.#}"), level, cells, children, Project)
        {
            Markup = new MapMarkup(level, cells, gridsOfCell, blocks, children, GridShape, Project),
        };
    }

    private static MapShape Shape(AdminNode node, Func<double, double, (double X, double Y)> project)
    {
        Point label = node.Boundary.InteriorPoint;
        var (lx, ly) = project(label.Y, label.X);
        return new MapShape(node.Code, node.Name, SvgPath.Of(node.Boundary, project), Math.Round(lx, 1), Math.Round(ly, 1));
    }
}
