using System.Net;
using System.Net.Http.Json;
using CommandCenter.Testing;
using CommandCenter.Web.Api;

namespace CommandCenter.Web.Tests.Api;

/// <summary>
/// Reading alerts, petition warnings and teams: a signed-in person sees their node's subtree, an outside system sees
/// what it reported itself, nobody reads anonymously.
/// </summary>
public sealed class ReadAccessTests : FreshAppTest
{
    private static readonly string HubinGrid = DemoCity.GridCode(0, 0, 1);
    private static readonly string WangjiangGrid = DemoCity.GridCode(1, 0, 1);

    private async Task<AlertDto> RaiseAsync(string externalId, string gridCode, string source = "gridWorker") =>
        (await (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid(externalId, gridCode).With("source", source)))
            .Content.ReadFromJsonAsync<AlertDto>(CommandCenterApp.Json))!;

    [Theory]
    [InlineData("/api/v1/alerts")]
    [InlineData("/api/v1/alerts/0197a000-0000-7000-8000-000000000001")]
    [InlineData("/api/v1/petition-warnings")]
    [InlineData("/api/v1/teams")]
    [InlineData("/api/v1/teams/TM-006")]
    public async Task Get_Anonymous_Is401Problem(string path)
    {
        await ProblemAssert.IsProblemAsync(await App.Http.GetAsync(path), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GetAlert_InAnotherTown_Is403SayingJurisdiction()
    {
        var alert = await RaiseAsync("r-1", HubinGrid);
        using var staff = await App.SignedInClientAsync("staff-wangjiang");

        var response = await staff.GetAsync($"/api/v1/alerts/{alert.Id}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("jurisdiction", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAlerts_AsTownStaff_OnlyMyTownsAlerts()
    {
        var mine = await RaiseAsync("r-2", HubinGrid);
        var theirs = await RaiseAsync("r-3", WangjiangGrid);
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var list = (await staff.GetFromJsonAsync<List<AlertDto>>("/api/v1/alerts", CommandCenterApp.Json))!;

        Assert.Equal([mine.Id], list.Select(a => a.Id));
        Assert.Contains(theirs.Id, (await (await App.CityReaderAsync()).GetFromJsonAsync<List<AlertDto>>("/api/v1/alerts", CommandCenterApp.Json))!.Select(a => a.Id));
    }

    [Fact]
    public async Task ListAlerts_AnotherTownsCode_Is403()
    {
        using var staff = await App.SignedInClientAsync("staff-hubin");

        await ProblemAssert.IsProblemAsync(await staff.GetAsync("/api/v1/alerts?townCode=330188002"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetAlert_AsAWallOfTheCity_IsAllowed()
    {
        var alert = await RaiseAsync("r-4", WangjiangGrid);
        using var wall = await App.SignedInClientAsync("wall");

        var fetched = await wall.GetFromJsonAsync<AlertDto>($"/api/v1/alerts/{alert.Id}", CommandCenterApp.Json);

        Assert.Equal(alert.Id, fetched!.Id);
    }

    [Fact]
    public async Task GetAlert_WithAnApiKey_OnlyWhatThatSystemReported()
    {
        var byHotline = await RaiseAsync("r-5", HubinGrid, source: "hotline");
        var byWorker = await RaiseAsync("r-6", WangjiangGrid, source: "gridWorker");
        using var hotline = new HttpClient { BaseAddress = App.BaseAddress };
        hotline.DefaultRequestHeaders.Add("X-Api-Key", CommandCenterApp.KeyFor("hotline"));

        var own = await hotline.GetAsync($"/api/v1/alerts/{byHotline.Id}");
        var others = await hotline.GetAsync($"/api/v1/alerts/{byWorker.Id}");
        var list = (await hotline.GetFromJsonAsync<List<AlertDto>>("/api/v1/alerts", CommandCenterApp.Json))!;

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        await ProblemAssert.IsProblemAsync(others, HttpStatusCode.Forbidden);
        Assert.Equal([byHotline.Id], list.Select(a => a.Id));
    }

    [Fact]
    public async Task GetAlert_WithAWrongApiKey_Is401()
    {
        var alert = await RaiseAsync("r-7", HubinGrid);
        using var client = new HttpClient { BaseAddress = App.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", "not-a-key");

        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/api/v1/alerts/{alert.Id}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PetitionWarnings_AnotherTownsWarning_Is403AndNotListed()
    {
        var response = await App.PostJsonAsync("/api/v1/petition-warnings", new
        {
            source = "gridWorker", externalId = "rp-1", originCode = "330188002003", destination = "市政府", subject = "工程欠薪",
            estimatedHeadcount = 40, attentionLevel = "elevated", reporter = new { name = "王网格" },
        });
        var warning = (await response.Content.ReadFromJsonAsync<PetitionWarningDto>(CommandCenterApp.Json))!;
        using var hubin = await App.SignedInClientAsync("staff-hubin");
        using var wangjiang = await App.SignedInClientAsync("staff-wangjiang");

        await ProblemAssert.IsProblemAsync(await hubin.GetAsync($"/api/v1/petition-warnings/{warning.Id}"), HttpStatusCode.Forbidden);
        Assert.Empty((await hubin.GetFromJsonAsync<List<PetitionWarningDto>>("/api/v1/petition-warnings", CommandCenterApp.Json))!);
        Assert.Equal([warning.Id], (await wangjiang.GetFromJsonAsync<List<PetitionWarningDto>>("/api/v1/petition-warnings", CommandCenterApp.Json))!.Select(w => w.Id));
    }

    [Fact]
    public async Task Teams_AsTownStaff_MyTownsTeamsAndTheCitysButNoOtherTowns()
    {
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var codes = (await staff.GetFromJsonAsync<List<TeamDto>>("/api/v1/teams", CommandCenterApp.Json))!.Select(t => t.Code).ToList();

        Assert.Contains("TM-001", codes); // 明湖市治安巡防大队 (city)
        Assert.Contains("TM-006", codes); // 湖滨街道治安巡防中队 (my town)
        Assert.Contains("TM-025", codes); // 荷风社区文体队 (a community of my town)
        Assert.DoesNotContain("TM-011", codes); // 望江街道治安巡防中队
        await ProblemAssert.IsProblemAsync(await staff.GetAsync("/api/v1/teams/TM-011"), HttpStatusCode.Forbidden);
    }
}
