using System.Net;
using System.Net.Http.Json;
using CommandCenter.Testing;
using Microsoft.AspNetCore.Mvc;

namespace CommandCenter.Web.Tests.Api;

/// <summary>
/// A store a city has not moved into yet: the app runs, outside systems get a plain refusal, and the pages say that
/// no city map has been imported (and, to an administrator, where to import it).
/// </summary>
public sealed class NoCityTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CommandCenterApp _app;

    public NoCityTests() => _app = new CommandCenterApp(_dir.Path, settings: new Dictionary<string, string?> { ["Demo:City"] = "false" });

    public void Dispose()
    {
        _app.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task PostingAnAlert_BeforeAnyCity_IsRefusedWithProblemDetailsSayingWhy()
    {
        var response = await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("no-city-1"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal("No city map has been imported yet.", problem!.Title);
        Assert.Contains("import-city", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin", "/wall", true)]
    [InlineData("admin", "/console", true)]
    [InlineData("leader", "/hotspots", false)]
    [InlineData("leader", "/supervision", false)]
    [InlineData("staff-hubin", "/console", false)]
    public async Task Pages_BeforeAnyCity_SaySo_AndTellAnAdminWhereToImport(string user, string page, bool isAdmin)
    {
        using var client = await _app.SignedInClientAsync(user);

        var html = WebUtility.HtmlDecode(await client.GetStringAsync(page));

        Assert.Contains("data-testid=\"no-city\"", html, StringComparison.Ordinal);
        Assert.Contains("尚未导入城市地图", html, StringComparison.Ordinal);
        Assert.Equal(isAdmin, html.Contains("href=\"/admin/city\"", StringComparison.Ordinal));
    }
}
