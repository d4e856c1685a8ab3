using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Testing;
using CommandCenter.Web.Api;

namespace CommandCenter.Web.Tests.Api;

public sealed class ReferenceApiTests(SharedApp host) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task Hierarchy_ReturnsTheWholeTree()
    {
        var city = await host.App.Http.GetFromJsonAsync<NodeDto>("/api/v1/hierarchy", CommandCenterApp.Json);

        Assert.Equal("330188", city!.Code);
        Assert.Equal(6, city.Children!.Count);
        Assert.All(city.Children, town => Assert.Equal(5, town.Children!.Count));
        Assert.Equal(300, city.Children.SelectMany(t => t.Children!).SelectMany(c => c.Children!).Count(g => g.Level == NodeLevel.Grid));
        Assert.Null(city.Boundary);
    }

    [Fact]
    public async Task Grid_ByCode_ReturnsItsBoundaryAndWorkers()
    {
        var code = DemoCity.GridCode(1, 2, 3);

        var grid = await host.App.Http.GetFromJsonAsync<NodeDto>($"/api/v1/grids/{code}", CommandCenterApp.Json);

        Assert.Equal(code, grid!.Code);
        Assert.Equal(code[..12], grid.ParentCode);
        Assert.True(grid.Boundary!.Count >= 5);
        Assert.Equal(grid.Boundary[0], grid.Boundary[^1]);
        Assert.NotEmpty(grid.Workers!);
    }

    [Fact]
    public async Task Grid_ByCode_ReturnsItsBoundaryAsAGeoJsonMultiPolygon()
    {
        var code = DemoCity.GridCode(1, 2, 3);

        var grid = await host.App.Http.GetFromJsonAsync<NodeDto>($"/api/v1/grids/{code}", CommandCenterApp.Json);

        Assert.Equal("MultiPolygon", grid!.Geometry!.Type);
        var rings = Assert.Single(grid.Geometry.Coordinates);
        var exterior = Assert.Single(rings); // the demo grids have no holes
        Assert.Equal(grid.Boundary!, exterior);
    }

    [Fact]
    public async Task Grid_UnknownOrNotAGrid_Returns404Problem()
    {
        await ProblemAssert.IsProblemAsync(await host.App.Http.GetAsync("/api/v1/grids/330188001"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Categories_ReturnsTheTreeWithChineseNames()
    {
        var roots = await host.App.Http.GetFromJsonAsync<List<CategoryDto>>("/api/v1/categories", CommandCenterApp.Json);

        var security = Assert.Single(roots!, c => c.Code == "01");
        Assert.Equal("治安安全", security.Name);
        Assert.All(security.Children, leaf => Assert.StartsWith("01", leaf.Code, StringComparison.Ordinal));
        Assert.NotEmpty(security.Children);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheIngestionEndpoints()
    {
        using var document = JsonDocument.Parse(await host.App.Http.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/alerts", out var alerts));
        Assert.True(alerts.TryGetProperty("post", out _));
        Assert.True(paths.TryGetProperty("/api/v1/petition-warnings/{id}/follow-ups", out _));
        Assert.True(paths.TryGetProperty("/api/v1/teams/{code}/status", out _));
    }

    [Fact]
    public async Task Healthz_AnswersHealthy()
    {
        var response = await host.App.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_AnswersHealthyWithEachCheck()
    {
        var response = await host.App.Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(
            [("metrics", "Healthy"), ("store", "Healthy")],
            body.RootElement.GetProperty("checks").EnumerateObject().Select(c => (c.Name, c.Value.GetProperty("status").GetString())).Order());
    }
}
