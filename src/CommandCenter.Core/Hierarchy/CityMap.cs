using System.Collections.Frozen;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace CommandCenter.Core.Hierarchy;

/// <summary>
/// The whole grid hierarchy of one city, read-only and shared: look-ups by code, children, paths,
/// and resolving a point (longitude = X, latitude = Y) to the grid that contains it.
/// </summary>
public sealed class CityMap
{
    private static readonly GeometryFactory Geometry = new(new PrecisionModel(), 4326);

    private readonly FrozenDictionary<string, AdminNode> _byCode;
    private readonly FrozenDictionary<string, AdminNode[]> _children;
    private readonly STRtree<(AdminNode Grid, IPreparedGeometry Shape)> _gridIndex = new();
    private readonly IPreparedGeometry _cityShape;

    public CityMap(IEnumerable<AdminNode> nodes)
    {
        var all = nodes.ToList();
        var cities = all.Where(n => n.Level == NodeLevel.City).ToList();
        if (cities.Count != 1)
        {
            throw new DomainRuleException($"A city map needs exactly one city node; found {cities.Count}.");
        }

        City = cities[0];
        _byCode = all.ToFrozenDictionary(n => n.Code, StringComparer.Ordinal);
        _children = all
            .Where(n => n.ParentCode is not null)
            .GroupBy(n => n.ParentCode!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(n => n.Code, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

        foreach (var grid in all.Where(n => n.Level == NodeLevel.Grid))
        {
            _gridIndex.Insert(grid.Boundary.EnvelopeInternal, (grid, PreparedGeometryFactory.Prepare(grid.Boundary)));
        }

        _gridIndex.Build();
        _cityShape = PreparedGeometryFactory.Prepare(City.Boundary);
        Nodes = all;
    }

    public AdminNode City { get; }

    public IReadOnlyList<AdminNode> Nodes { get; }

    public IEnumerable<AdminNode> Towns => Children(City.Code);

    public IEnumerable<AdminNode> Grids => Nodes.Where(n => n.Level == NodeLevel.Grid);

    public AdminNode? Find(string code) => _byCode.GetValueOrDefault(code);

    public bool Contains(string code) => _byCode.ContainsKey(code);

    public IReadOnlyList<AdminNode> Children(string code) =>
        _children.TryGetValue(code, out var children) ? children : [];

    /// <summary>The node's ancestors and itself as a path (city, town, community, grid).</summary>
    public NodePath PathOf(string code)
    {
        var node = Find(code) ?? throw new DomainRuleException($"Unknown node '{code}'.");
        string? town = null, community = null, grid = null;
        for (var current = node; current is not null; current = current.ParentCode is null ? null : Find(current.ParentCode))
        {
            switch (current.Level)
            {
                case NodeLevel.Town: town = current.Code; break;
                case NodeLevel.Community: community = current.Code; break;
                case NodeLevel.Grid: grid = current.Code; break;
            }
        }

        return new NodePath(City.Code, town, community, grid);
    }

    /// <summary>
    /// Where a grid is, in words people read: "town · community · grid". A grid a re-division retired (a closed alert
    /// keeps its code) is not on today's map: its code is all there is to show.
    /// </summary>
    public string PlaceOf(string gridCode)
    {
        if (!Contains(gridCode))
        {
            return gridCode;
        }

        var path = PathOf(gridCode);
        return string.Join(" · ", new[] { path.TownCode, path.CommunityCode, path.GridCode }.Select(code => code is null ? null : Find(code)?.Name).OfType<string>());
    }

    /// <summary>True when <paramref name="code"/> is <paramref name="ancestorCode"/> or lies in its subtree.</summary>
    public bool IsWithin(string code, string ancestorCode)
    {
        for (var current = Find(code); current is not null; current = current.ParentCode is null ? null : Find(current.ParentCode))
        {
            if (current.Code == ancestorCode)
            {
                return true;
            }
        }

        return false;
    }

    public bool IsInsideCity(double latitude, double longitude) =>
        _cityShape.Covers(Geometry.CreatePoint(new Coordinate(longitude, latitude)));

    /// <summary>
    /// The grid containing the point, or null outside the city. A point on a shared edge belongs to the
    /// grid with the lowest code, so every point resolves to exactly one grid.
    /// </summary>
    public AdminNode? ResolveGrid(double latitude, double longitude)
    {
        var point = Geometry.CreatePoint(new Coordinate(longitude, latitude));
        AdminNode? best = null;
        foreach (var (grid, shape) in _gridIndex.Query(point.EnvelopeInternal))
        {
            if (shape.Covers(point) && (best is null || string.CompareOrdinal(grid.Code, best.Code) < 0))
            {
                best = grid;
            }
        }

        return best;
    }
}
