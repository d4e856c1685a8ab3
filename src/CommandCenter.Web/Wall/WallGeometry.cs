using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Wall;

/// <summary>
/// A scope's map as SVG: grid shapes, the borders and names of its children, a projection for points, and the wall's
/// layers as markup shared by every wall showing the scope.
/// </summary>
public sealed record ScopeMap(
    string ViewBox,
    IReadOnlyList<MapShape> Grids,
    IReadOnlyList<MapShape> Children,
    Func<double, double, (double X, double Y)> Project)
{
    public required MapMarkup Markup { get; init; }
}

/// <summary>A node's boundary as one SVG path (every part and hole), with the point to write its name at.</summary>
public sealed record MapShape(string Code, string Name, string Path, double LabelX, double LabelY);

/// <summary>
/// Draws the seed polygons as SVG, no map tiles (a government network has no internet). Shapes, and the wall's
/// markup of them, are computed once per scope and shared by every wall.
/// </summary>
public sealed class WallGeometry(ReferenceData reference)
{
    private const double Width = 1000;
    private readonly ConcurrentDictionary<string, ScopeMap> _maps = new(StringComparer.Ordinal);

    private CityMap? _drawnFrom;

    /// <summary>The scope's shapes, drawn once per loaded map: a re-division brings new shapes with it.</summary>
    public ScopeMap For(string scopeCode)
    {
        var map = reference.Map;
        if (!ReferenceEquals(Volatile.Read(ref _drawnFrom), map))
        {
            _maps.Clear();
            Volatile.Write(ref _drawnFrom, map);
        }

        return _maps.GetOrAdd(scopeCode, Build);
    }

    private ScopeMap Build(string scopeCode)
    {
        var map = reference.Map;
        var scope = map.Find(scopeCode) ?? throw new ArgumentException($"Unknown scope '{scopeCode}'.", nameof(scopeCode));
        var envelope = scope.Boundary.EnvelopeInternal;

        // Equirectangular with the longitude squeezed by cos(latitude): shapes keep their proportions at city scale.
        var squeeze = Math.Cos(envelope.Centre.Y * Math.PI / 180);
        var scale = Width / (envelope.Width * squeeze);
        var height = envelope.Height * scale;
        (double X, double Y) Project(double lat, double lon) => ((lon - envelope.MinX) * squeeze * scale, (envelope.MaxY - lat) * scale);

        var nodes = map.Grids.Where(g => map.IsWithin(g.Code, scopeCode)).ToList();
        var grids = nodes.Select(g => Shape(g, Project)).ToList();
        var children = scope.Level == NodeLevel.Grid ? [] : map.Children(scopeCode).Select(c => Shape(c, Project)).ToList();
        IReadOnlyList<IReadOnlyList<MapShape>> byCommunity = [.. nodes.Zip(grids)
            .GroupBy(x => x.First.ParentCode, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<MapShape>)[.. g.Select(x => x.Second)])];
        return new ScopeMap(string.Create(CultureInfo.InvariantCulture, $"0 0 {Width:0} {height:0.#}"), grids, children, Project)
        {
            Markup = new MapMarkup(grids, byCommunity, children, Project),
        };
    }

    private static MapShape Shape(AdminNode node, Func<double, double, (double X, double Y)> project)
    {
        Point label = node.Boundary.InteriorPoint;
        var (lx, ly) = project(label.Y, label.X);
        return new MapShape(node.Code, node.Name, SvgPath.Of(node.Boundary, project), Math.Round(lx, 1), Math.Round(ly, 1));
    }
}
