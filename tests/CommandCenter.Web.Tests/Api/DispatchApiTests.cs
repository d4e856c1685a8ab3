using System.Net;
using System.Net.Http.Json;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Teams;
using CommandCenter.Testing;
using CommandCenter.Web.Api;

namespace CommandCenter.Web.Tests.Api;

/// <summary>
/// Dispatching teams over the API. The alert is in community 330188001002 of 湖滨街道: TM-025 is that community's
/// team, TM-006 the town's patrol, TM-011 望江街道's patrol.
/// </summary>
public sealed class DispatchApiTests : FreshAppTest
{
    private static readonly string Grid = DemoCity.GridCode(0, 1, 2);

    private async Task<(AlertDto Alert, HttpClient Staff)> AcknowledgedAsync(string externalId)
    {
        var alert = (await (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid(externalId, Grid))).Content.ReadFromJsonAsync<AlertDto>(CommandCenterApp.Json))!;
        var staff = await App.SignedInClientAsync("staff-hubin");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/v1/alerts/{alert.Id}/actions/acknowledge", null)).StatusCode);
        return (alert, staff);
    }

    [Fact]
    public async Task Candidates_InMyTown_CommunityTeamFirstAndNoOtherTown()
    {
        var (alert, staff) = await AcknowledgedAsync("d-1");
        using var _ = staff;

        var candidates = (await staff.GetFromJsonAsync<List<DispatchCandidateDto>>($"/api/v1/alerts/{alert.Id}/candidates", CommandCenterApp.Json))!;

        Assert.Equal(("TM-025", TeamReach.SameCommunity, true), (candidates[0].TeamCode, candidates[0].Reach, candidates[0].CanDispatch));
        Assert.DoesNotContain(candidates, c => c.TeamCode == "TM-011");
        Assert.All(candidates, c => Assert.NotNull(c.DistanceMeters));
    }

    [Fact]
    public async Task Dispatch_TwoTeams_AlertIsDispatchedAndBothTeamsAreOnIt()
    {
        var (alert, staff) = await AcknowledgedAsync("d-2");
        using var _ = staff;

        var response = await staff.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/dispatch", new { teamCodes = new[] { "TM-025", "TM-006" }, comment = "尽快" }, CommandCenterApp.Json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<DispatchResultDto>(CommandCenterApp.Json))!;
        Assert.Equal(AlertState.Dispatched, result.Alert.State);
        Assert.Equal([true, true], result.Teams.Select(t => t.Sent));
        var team = await staff.GetFromJsonAsync<TeamDto>("/api/v1/teams/TM-006", CommandCenterApp.Json);
        Assert.Equal((TeamStatus.Dispatched, (Guid?)alert.Id), (team!.Status, team.CurrentAlertId));
    }

    [Fact]
    public async Task Dispatch_FromAnotherTown_Is403AndNoTeamMoves()
    {
        var (alert, staff) = await AcknowledgedAsync("d-3");
        staff.Dispose();
        using var other = await App.SignedInClientAsync("staff-wangjiang");

        var response = await other.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/dispatch", new { teamCodes = new[] { "TM-011" } }, CommandCenterApp.Json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        var team = await (await App.CityReaderAsync()).GetFromJsonAsync<TeamDto>("/api/v1/teams/TM-011", CommandCenterApp.Json);
        Assert.Equal(TeamStatus.Available, team!.Status);
    }

    [Fact]
    public async Task Dispatch_NoTeams_Is400NamingTeamCodes()
    {
        var (alert, staff) = await AcknowledgedAsync("d-4");
        using var _ = staff;

        var response = await staff.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/dispatch", new { teamCodes = Array.Empty<string>() }, CommandCenterApp.Json);

        await ProblemAssert.NamesFieldAsync(response, "teamCodes");
    }

    [Fact]
    public async Task Dispatch_AlertNotAcknowledged_Is409AndSaysWhy()
    {
        var alert = (await (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("d-5", Grid))).Content.ReadFromJsonAsync<AlertDto>(CommandCenterApp.Json))!;
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var response = await staff.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/dispatch", new { teamCodes = new[] { "TM-025" } }, CommandCenterApp.Json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("Reported", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeploymentStatus_EnRouteThenOnScene_TeamFollows()
    {
        var (alert, staff) = await AcknowledgedAsync("d-6");
        using var _ = staff;
        await staff.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/dispatch", new { teamCodes = new[] { "TM-025" } }, CommandCenterApp.Json);

        var enRoute = await staff.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/deployments/TM-025/status", new { status = "enRoute" }, CommandCenterApp.Json);
        var onScene = await staff.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/deployments/TM-025/status", new { status = "onScene" }, CommandCenterApp.Json);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (enRoute.StatusCode, onScene.StatusCode));
        Assert.Equal(TeamStatus.OnScene, (await onScene.Content.ReadFromJsonAsync<TeamDto>(CommandCenterApp.Json))!.Status);
    }

    [Fact]
    public async Task DeploymentStatus_BadStatusOrTeamNotOnTheAlert_Are400And409()
    {
        var (alert, staff) = await AcknowledgedAsync("d-7");
        using var _ = staff;

        var bad = await staff.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/deployments/TM-025/status", new { status = "flying" }, CommandCenterApp.Json);
        var notOnIt = await staff.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/deployments/TM-025/status", new { status = "onScene" }, CommandCenterApp.Json);

        await ProblemAssert.NamesFieldAsync(bad, "status");
        await ProblemAssert.IsProblemAsync(notOnIt, HttpStatusCode.Conflict);
    }
}
