using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Core.Alerts;
using CommandCenter.Testing;
using CommandCenter.Web.Api;

namespace CommandCenter.Web.Tests.Api;

/// <summary>Working alerts over the API: role and jurisdiction on the server, one winner per race, a full timeline.</summary>
public sealed class WorkflowApiTests : FreshAppTest
{
    /// <summary>A new alert (a distinct grid each time, so nothing merges into an earlier one).</summary>
    private async Task<AlertDto> RaiseAsync(string externalId, int town = 0, int grid = 3) =>
        (await (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid(externalId, DemoCity.GridCode(town, 0, grid)))).Content.ReadFromJsonAsync<AlertDto>(CommandCenterApp.Json))!;

    private static Task<HttpResponseMessage> ActAsync(HttpClient client, Guid id, string action, string? comment = null) =>
        client.PostAsJsonAsync($"/api/v1/alerts/{id}/actions/{action}", new { comment }, CommandCenterApp.Json);

    [Fact]
    public async Task Acknowledge_InMyTown_RecordsWhoHoldsIt()
    {
        var alert = await RaiseAsync("wf-1");
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var response = await ActAsync(staff, alert.Id, "acknowledge", "我来处理");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var acknowledged = (await response.Content.ReadFromJsonAsync<AlertDto>(CommandCenterApp.Json))!;
        Assert.Equal(AlertState.Acknowledged, acknowledged.State);
        Assert.Equal("湖滨街道处置员", acknowledged.HandlerName);
    }

    [Fact]
    public async Task Acknowledge_InAnotherTown_Is403AndChangesNothing()
    {
        var alert = await RaiseAsync("wf-2", town: 1);
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var response = await ActAsync(staff, alert.Id, "acknowledge");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        var after = await (await App.CityReaderAsync()).GetFromJsonAsync<AlertDto>($"/api/v1/alerts/{alert.Id}", CommandCenterApp.Json);
        Assert.Equal(AlertState.Reported, after!.State);
    }

    [Fact]
    public async Task Actions_NotSignedInOrAsAWall_Are401And403()
    {
        var alert = await RaiseAsync("wf-3");
        using var wall = await App.SignedInClientAsync("wall");

        var anonymous = await ActAsync(App.Http, alert.Id, "acknowledge");
        var asWall = await ActAsync(wall, alert.Id, "acknowledge");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asWall.StatusCode);
    }

    [Fact]
    public async Task Acknowledge_TwoPeopleAtOnce_OneWinsTheOtherIsToldWhoHoldsIt()
    {
        using var first = await App.SignedInClientAsync("staff-hubin");
        using var second = await App.SignedInClientAsync("duty");
        for (var round = 0; round < 5; round++)
        {
            var alert = await RaiseAsync($"race-{round}", grid: 1 + round);

            var responses = await Task.WhenAll(ActAsync(first, alert.Id, "acknowledge"), ActAsync(second, alert.Id, "acknowledge"));

            var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
            Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) == 1, string.Join(" || ", bodies));
            var loser = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
            using var problem = JsonDocument.Parse(await loser.Content.ReadAsStringAsync());
            var holder = problem.RootElement.GetProperty("holder").GetString();
            Assert.Contains(holder, new[] { "湖滨街道处置员", "市值班员" });
            Assert.Contains(holder!, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(problem.RootElement.TryGetProperty("since", out _));
        }
    }

    [Fact]
    public async Task ClosedLoop_VerifiedBySomeoneElse_ClosesWithAFullTimeline()
    {
        var alert = await RaiseAsync("loop-1");
        using var staff = await App.SignedInClientAsync("staff-hubin");
        using var duty = await App.SignedInClientAsync("duty-hubin");

        foreach (var (action, comment) in new[] { ("acknowledge", (string?)null), ("dispatch", null), ("start-handling", null), ("resolve", "杂物已清理") })
        {
            Assert.Equal(HttpStatusCode.OK, (await ActAsync(staff, alert.Id, action, comment)).StatusCode);
        }

        var selfVerify = await ActAsync(staff, alert.Id, "verify");
        var verified = await ActAsync(duty, alert.Id, "verify");

        Assert.Equal(HttpStatusCode.Forbidden, selfVerify.StatusCode);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var timeline = (await duty.GetFromJsonAsync<List<TimelineEntryDto>>($"/api/v1/alerts/{alert.Id}/timeline", CommandCenterApp.Json))!;
        Assert.Equal(["Raised", "Acknowledge", "Dispatch", "StartHandling", "Resolve", "Verify"], timeline.Select(e => e.Action));
        Assert.All(timeline.Skip(1), e => Assert.NotNull(e.Deadline));
        Assert.Equal("湖滨街道值班员", timeline[^1].Actor);
    }

    [Fact]
    public async Task Action_WrongForTheState_Is409WithTheReason()
    {
        var alert = await RaiseAsync("wf-409");
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var response = await ActAsync(staff, alert.Id, "resolve", "done");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("Reported", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAction_Is400NamingIt()
    {
        var alert = await RaiseAsync("wf-400");
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var response = await ActAsync(staff, alert.Id, "teleport");

        await ProblemAssert.NamesFieldAsync(response, "action");
    }

    [Fact]
    public async Task BulkAcknowledge_ReportsEachAlertsOutcome()
    {
        var mine = await RaiseAsync("bulk-1");
        var other = await RaiseAsync("bulk-2", town: 1);
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var response = await staff.PostAsJsonAsync("/api/v1/alerts/acknowledge", new { alertIds = new[] { mine.Id, other.Id } }, CommandCenterApp.Json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var outcomes = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var list = outcomes.RootElement.EnumerateArray().ToList();
        Assert.True(list[0].GetProperty("done").GetBoolean());
        Assert.False(list[1].GetProperty("done").GetBoolean());
        Assert.Contains("jurisdiction", list[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
