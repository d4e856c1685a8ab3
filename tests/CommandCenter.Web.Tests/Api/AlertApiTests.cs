using System.Net;
using System.Net.Http.Json;
using CommandCenter.Core.Alerts;
using CommandCenter.Testing;
using CommandCenter.Web.Api;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Api;

public sealed class AlertApiTests : FreshAppTest
{
    [Fact]
    public async Task Post_NewReport_Returns201WithLocationAndPlacedAlert()
    {
        var response = await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("w-1"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var alert = await ReadAsync(response);
        Assert.Equal($"/api/v1/alerts/{alert.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(AlertState.Reported, alert.State);
        Assert.Equal(AlertRequests.Grid, alert.GridCode);
        Assert.Equal(AlertRequests.Grid[..12], alert.CommunityCode);
        Assert.Equal(AlertRequests.Grid[..9], alert.TownCode);
        Assert.Equal(0, alert.RepeatCount);
        Assert.Equal(StoreHost.Start, alert.ReportedAt);
    }

    [Fact]
    public async Task Post_SameSourceAndExternalId_Returns200WithSameAlertAndStoresNothing()
    {
        var first = await ReadAsync(await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("w-dup")));

        var again = await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("w-dup"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("Duplicate", again.Headers.GetValues("X-Ingest-Outcome").Single());
        var alert = await ReadAsync(again);
        Assert.Equal(first.Id, alert.Id);
        Assert.Equal(0, alert.RepeatCount);
        await using var db = App.NewDbContext();
        Assert.Equal(1, await db.Alerts.CountAsync());
        Assert.Equal(1, await db.AlertReports.CountAsync());
    }

    [Fact]
    public async Task Post_SameGridAndCategoryWithinWindow_MergesIntoOpenAlert()
    {
        var first = await ReadAsync(await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("w-a")));
        App.Time.Advance(TimeSpan.FromMinutes(29));

        var repeat = await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("hotline-b").With("source", "hotline"));

        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("Merged", repeat.Headers.GetValues("X-Ingest-Outcome").Single());
        var merged = await ReadAsync(repeat);
        Assert.Equal(first.Id, merged.Id);
        Assert.Equal(1, merged.RepeatCount);
        await using var db = App.NewDbContext();
        Assert.Equal(1, await db.Alerts.CountAsync());
        Assert.Equal(2, await db.AlertReports.CountAsync());
    }

    [Fact]
    public async Task Post_SameGridAndCategoryAfterWindow_RaisesNewAlert()
    {
        var first = await ReadAsync(await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("w-a")));
        App.Time.Advance(TimeSpan.FromMinutes(31));

        var later = await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("w-b").With("occurredAt", App.Time.GetUtcNow().ToString("O")));

        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
        Assert.NotEqual(first.Id, (await ReadAsync(later)).Id);
    }

    [Fact]
    public async Task Post_OtherCategorySameGrid_RaisesNewAlert()
    {
        var first = await ReadAsync(await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("w-a", category: "0301")));

        var other = await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("w-b", category: "0302"));

        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.NotEqual(first.Id, (await ReadAsync(other)).Id);
    }

    [Fact]
    public async Task Post_LocationWithoutGrid_ResolvesTheContainingGrid()
    {
        var grid = DemoCity.Map().Find(DemoCity.GridCode(4, 2, 7))!;
        var point = grid.Boundary.InteriorPoint;
        var body = AlertRequests.Valid("w-point").Without("gridCode").With("location", new { lat = point.Y, lon = point.X });

        var alert = await ReadAsync(await App.PostJsonAsync("/api/v1/alerts", body));

        Assert.Equal(grid.Code, alert.GridCode);
        Assert.Equal(point.Y, alert.Location!.Lat);
    }

    [Fact]
    public async Task Post_ChineseSeverityName_IsAccepted()
    {
        var alert = await ReadAsync(await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("w-zh", severity: "特别重大")));

        Assert.Equal(Severity.Critical, alert.Severity);
    }

    [Fact]
    public async Task GetById_ReturnsStoredAlert_And404ForUnknown()
    {
        var created = await ReadAsync(await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("w-get")));

        var found = await (await App.CityReaderAsync()).GetFromJsonAsync<AlertDto>($"/api/v1/alerts/{created.Id}", CommandCenterApp.Json);
        var missing = await (await App.CityReaderAsync()).GetAsync($"/api/v1/alerts/{Guid.NewGuid()}");

        Assert.Equal(created, found);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task List_FiltersByTownSinceAndLimit_NewestFirst()
    {
        await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("t1-a", DemoCity.GridCode(0, 0, 1)));
        App.Time.Advance(TimeSpan.FromMinutes(1));
        await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("t1-b", DemoCity.GridCode(0, 1, 1)));
        App.Time.Advance(TimeSpan.FromMinutes(1));
        await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("t2-a", DemoCity.GridCode(1, 0, 1)));

        var town1 = await ListAsync($"?townCode={DemoCity.TownCode(0)}");
        var recent = await ListAsync($"?since={Uri.EscapeDataString(StoreHost.Start.AddSeconds(30).ToString("O"))}");
        var newest = await ListAsync("?limit=1&state=reported");

        Assert.Equal(["t1-b", "t1-a"], town1.Select(a => a.ExternalId));
        Assert.Equal(["t2-a", "t1-b"], recent.Select(a => a.ExternalId));
        Assert.Equal(["t2-a"], newest.Select(a => a.ExternalId));
    }

    [Theory]
    [InlineData("?townCode=999", "townCode")]
    [InlineData("?state=lost", "state")]
    [InlineData("?since=yesterday", "since")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=abc", "limit")]
    public async Task List_BadQuery_Returns400NamingTheParameter(string query, string field)
    {
        var response = await (await App.CityReaderAsync()).GetAsync($"/api/v1/alerts{query}");

        await ProblemAssert.NamesFieldAsync(response, field);
    }

    private async Task<List<AlertDto>> ListAsync(string query) =>
        (await (await App.CityReaderAsync()).GetFromJsonAsync<List<AlertDto>>($"/api/v1/alerts{query}", CommandCenterApp.Json))!;

    private static async Task<AlertDto> ReadAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AlertDto>(CommandCenterApp.Json))!;
    }
}
