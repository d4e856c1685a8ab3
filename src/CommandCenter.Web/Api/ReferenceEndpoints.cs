using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Api;

public static class ReferenceEndpoints
{
    public static RouteGroupBuilder MapReferenceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/hierarchy", (HttpContext http, ReferenceData reference, CachedRepresentations cache, string? boundaries) =>
            {
                var map = reference.Map;
                var withBoundaries = boundaries is "true" or "1";
                return cache.Serve(http, withBoundaries ? "hierarchy+boundaries" : "hierarchy", map, () => ToTree(map, map.City, withBoundaries));
            })
            .Produces<NodeDto>()
            .WithTags("Reference")
            .WithSummary("The city → town → community → grid tree; ?boundaries=true adds every polygon. Compressed, with an ETag.");
        api.MapGet("/grids/{code}", (string code, ReferenceData reference) =>
                reference.Map.Find(code) is { Level: NodeLevel.Grid } grid
                    ? Results.Ok(ToNode(grid, withBoundary: true, children: null))
                    : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such grid.", detail: $"'{code}' is not a grid code."))
            .WithTags("Reference");
        api.MapGet("/categories", (ReferenceData reference) =>
                TypedResults.Ok(reference.Categories.Roots.Select(c => ToCategory(reference.Categories, c)).ToList()))
            .WithTags("Reference");
        return api;
    }

    private static NodeDto ToTree(CityMap map, AdminNode node, bool withBoundaries) =>
        ToNode(node, withBoundaries, [.. map.Children(node.Code).Select(child => ToTree(map, child, withBoundaries))]);

    private static NodeDto ToNode(AdminNode node, bool withBoundary, IReadOnlyList<NodeDto>? children) => new(
        node.Code,
        node.Name,
        node.Level,
        node.Kind,
        node.ParentCode,
        new PersonDto(node.Responsible.Name, node.Responsible.Phone),
        node.Level == NodeLevel.Grid ? [.. node.Workers.Select(w => new PersonDto(w.Name, w.Phone))] : null,
        withBoundary && node.Boundary is Polygon { NumInteriorRings: 0 } plain ? Ring(plain.ExteriorRing) : null,
        children is { Count: > 0 } ? children : null)
    {
        Geometry = withBoundary ? ToGeometry(node.Boundary) : null,
    };

    private static GeometryDto ToGeometry(Geometry boundary) => new(
        "MultiPolygon",
        [
            .. Enumerable.Range(0, boundary.NumGeometries)
                .Select(boundary.GetGeometryN)
                .OfType<Polygon>()
                .Select(p => (IReadOnlyList<IReadOnlyList<double[]>>)[Ring(p.ExteriorRing), .. p.InteriorRings.Select(Ring)]),
        ]);

    private static IReadOnlyList<double[]> Ring(LineString ring) => [.. ring.Coordinates.Select(c => new[] { c.X, c.Y })];

    private static CategoryDto ToCategory(CategoryTree tree, Category category) =>
        new(category.Code, category.Name, [.. tree.ChildrenOf(category.Code).Select(child => ToCategory(tree, child))]);
}
