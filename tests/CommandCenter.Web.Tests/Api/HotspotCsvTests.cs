using System.Net;
using System.Text;
using CommandCenter.Testing;

namespace CommandCenter.Web.Tests.Api;

/// <summary>The leaders' CSV exports: complete, Excel-friendly, formula-safe, and only within the leader's jurisdiction.</summary>
public sealed class HotspotCsvTests : FreshAppTest
{
    private static string Period => $"from={Uri.EscapeDataString(StoreHost.Start.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(StoreHost.Start.AddHours(1).ToString("O"))}";

    [Fact]
    public async Task RankingCsv_City_HeaderAndOneRowPerTownWithABom()
    {
        await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("csv-1", DemoCity.GridCode(2, 0, 1)));
        using var leader = await App.SignedInClientAsync("leader");

        var response = await leader.GetAsync($"/api/v1/hotspots/330188/ranking.csv?{Period}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("rank,code,name,score", lines[0], StringComparison.Ordinal);
        Assert.Equal(7, lines.Length);
        Assert.StartsWith("1,330188003,东城街道,3,1,", lines[1], StringComparison.Ordinal); // the major case: heat 3
    }

    [Fact]
    public async Task AlertsCsv_ATitleThatLooksLikeAFormula_IsDefusedAndQuoted()
    {
        await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("csv-2", DemoCity.GridCode(0, 0, 1)).With("title", "=HYPERLINK(\"http://x\",\"点我\")"));
        using var leader = await App.SignedInClientAsync("leader");

        var csv = await leader.GetStringAsync($"/api/v1/hotspots/330188001/alerts.csv?{Period}");

        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_TownLeaderAskingForAnotherTown_Is403()
    {
        using var leader = await App.SignedInClientAsync("leader-hubin");

        await ProblemAssert.IsProblemAsync(await leader.GetAsync($"/api/v1/hotspots/330188002/ranking.csv?{Period}"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync($"/api/v1/hotspots/330188001/ranking.csv?{Period}")).StatusCode);
    }

    [Fact]
    public async Task Csv_StaffOrAnonymous_Are403And401()
    {
        using var staff = await App.SignedInClientAsync("staff-hubin");

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/api/v1/hotspots/330188001/alerts.csv?{Period}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Http.GetAsync($"/api/v1/hotspots/330188001/alerts.csv?{Period}")).StatusCode);
    }

    [Fact]
    public async Task Csv_BadPeriodOrUnknownNode_Are400And404()
    {
        using var leader = await App.SignedInClientAsync("leader");

        await ProblemAssert.NamesFieldAsync(await leader.GetAsync("/api/v1/hotspots/330188/ranking.csv?from=yesterday&to=2026-11-27T10:00:00Z"), "from");
        await ProblemAssert.IsProblemAsync(await leader.GetAsync($"/api/v1/hotspots/999/ranking.csv?{Period}"), HttpStatusCode.NotFound);
    }
}
