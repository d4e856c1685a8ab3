using System.Net;
using System.Net.Http.Json;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using CommandCenter.Testing;
using CommandCenter.Web.Api;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Api;

public sealed class PetitionAndTeamApiTests : FreshAppTest
{
    private static object Petition(string externalId, string origin = "330188002003") => new
    {
        source = "gridWorker",
        externalId,
        originCode = origin,
        destination = "市政府",
        subject = "工程欠薪",
        estimatedHeadcount = 40,
        attentionLevel = "elevated",
        reporter = new { name = "王网格" },
    };

    [Fact]
    public async Task PostPetition_NewThenSameExternalId_Creates201ThenAnswers200WithTheSameWarning()
    {
        var first = await App.PostJsonAsync("/api/v1/petition-warnings", Petition("p-1"));
        var again = await App.PostJsonAsync("/api/v1/petition-warnings", Petition("p-1"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var created = await first.Content.ReadFromJsonAsync<PetitionWarningDto>(CommandCenterApp.Json);
        Assert.Equal(created!.Id, (await again.Content.ReadFromJsonAsync<PetitionWarningDto>(CommandCenterApp.Json))!.Id);
        Assert.Equal(PetitionStage.Brewing, created.Stage);
        Assert.Equal("330188002", created.TownCode);
        await using var db = App.NewDbContext();
        Assert.Equal(1, await db.PetitionWarnings.CountAsync());
    }

    [Fact]
    public async Task PostFollowUp_MovesStageAndIsReturnedByGet()
    {
        var created = await (await App.PostJsonAsync("/api/v1/petition-warnings", Petition("p-2"))).Content.ReadFromJsonAsync<PetitionWarningDto>(CommandCenterApp.Json);
        App.Time.Advance(TimeSpan.FromMinutes(20));

        var response = await App.PostJsonAsync($"/api/v1/petition-warnings/{created!.Id}/follow-ups", new { text = "约60人在村委会聚集", stage = "gathering", estimatedHeadcount = 60 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fetched = await (await App.CityReaderAsync()).GetFromJsonAsync<PetitionWarningDto>($"/api/v1/petition-warnings/{created.Id}", CommandCenterApp.Json);
        Assert.Equal(PetitionStage.Gathering, fetched!.Stage);
        Assert.Equal(60, fetched.EstimatedHeadcount);
        Assert.Equal(StoreHost.Start.AddMinutes(20), fetched.LastFollowUpAt);
        var followUp = Assert.Single(fetched.FollowUps);
        Assert.Equal(PetitionStage.Brewing, followUp.FromStage);
    }

    [Fact]
    public async Task PostFollowUp_BackwardStage_Returns409AndChangesNothing()
    {
        var created = await (await App.PostJsonAsync("/api/v1/petition-warnings", Petition("p-3"))).Content.ReadFromJsonAsync<PetitionWarningDto>(CommandCenterApp.Json);
        await App.PostJsonAsync($"/api/v1/petition-warnings/{created!.Id}/follow-ups", new { text = "已出发", stage = "moving" });

        var response = await App.PostJsonAsync($"/api/v1/petition-warnings/{created.Id}/follow-ups", new { text = "又回来了", stage = "brewing" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        var fetched = await (await App.CityReaderAsync()).GetFromJsonAsync<PetitionWarningDto>($"/api/v1/petition-warnings/{created.Id}", CommandCenterApp.Json);
        Assert.Equal(PetitionStage.Moving, fetched!.Stage);
        Assert.Single(fetched.FollowUps);
    }

    [Fact]
    public async Task PostFollowUp_UnknownWarning_Returns404Problem()
    {
        var response = await App.PostJsonAsync($"/api/v1/petition-warnings/{Guid.NewGuid()}/follow-ups", new { text = "续报" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("originCode", "330188002")]
    [InlineData("originCode", "000000000000")]
    public async Task PostPetition_OriginNotCommunityOrGrid_Returns400(string field, string origin)
    {
        var response = await App.PostJsonAsync("/api/v1/petition-warnings", Petition("p-bad", origin));

        await ProblemAssert.NamesFieldAsync(response, field);
    }

    [Fact]
    public async Task PostPetition_MissingHeadcountAndBadStage_NamesBoth()
    {
        var response = await App.PostJsonAsync("/api/v1/petition-warnings", new { source = "hotline", externalId = "p-x", originCode = "330188002003", destination = "市政府", subject = "欠薪", stage = "rioting" });

        await ProblemAssert.NamesFieldAsync(response, "estimatedHeadcount");
        await ProblemAssert.NamesFieldAsync(response, "stage");
        await using var db = App.NewDbContext();
        Assert.Equal(0, await db.PetitionWarnings.CountAsync());
    }

    [Fact]
    public async Task PostTeamStatus_DispatchThenEnRoute_StampsTheDeployment()
    {
        var alert = await (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("team-1"))).Content.ReadFromJsonAsync<AlertDto>(CommandCenterApp.Json);

        var dispatched = await App.PostJsonAsync("/api/v1/teams/TM-006/status", new { status = "dispatched", alertId = alert!.Id });
        App.Time.Advance(TimeSpan.FromMinutes(3));
        var enRoute = await App.PostJsonAsync("/api/v1/teams/TM-006/status", new { status = "enRoute", location = new { lat = 30.29, lon = 120.11 } });

        Assert.Equal(HttpStatusCode.OK, dispatched.StatusCode);
        var team = await enRoute.Content.ReadFromJsonAsync<TeamDto>(CommandCenterApp.Json);
        Assert.Equal(TeamStatus.EnRoute, team!.Status);
        Assert.Equal(alert.Id, team.CurrentAlertId);
        Assert.Equal(30.29, team.Position!.Lat);
        await using var db = App.NewDbContext();
        var deployment = await db.Deployments.SingleAsync();
        Assert.Equal(StoreHost.Start, deployment.DispatchedAt);
        Assert.Equal(StoreHost.Start.AddMinutes(3), deployment.EnRouteAt);
    }

    [Fact]
    public async Task PostTeamStatus_IllegalMove_Returns409NamingTheRule()
    {
        var response = await App.PostJsonAsync("/api/v1/teams/TM-006/status", new { status = "onScene" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("Available", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostTeamStatus_DispatchWithoutAlert_Returns400()
    {
        var response = await App.PostJsonAsync("/api/v1/teams/TM-006/status", new { status = "dispatched" });

        await ProblemAssert.NamesFieldAsync(response, "alertId");
    }

    [Fact]
    public async Task PostTeamStatus_UnknownTeam_Returns404()
    {
        var response = await App.PostJsonAsync("/api/v1/teams/TM-999/status", new { status = "offDuty" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListPetitions_ActiveNotABoolean_Returns400NamingIt()
    {
        var response = await (await App.CityReaderAsync()).GetAsync("/api/v1/petition-warnings?active=maybe");

        await ProblemAssert.NamesFieldAsync(response, "active");
    }

    [Fact]
    public async Task PostFollowUp_TwentyAtOnce_AllStoredAndNoneFails()
    {
        var created = await (await App.PostJsonAsync("/api/v1/petition-warnings", Petition("p-many"))).Content.ReadFromJsonAsync<PetitionWarningDto>(CommandCenterApp.Json);

        var responses = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            App.PostJsonAsync($"/api/v1/petition-warnings/{created!.Id}/follow-ups", new { text = $"续报 {i}" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var fetched = await (await App.CityReaderAsync()).GetFromJsonAsync<PetitionWarningDto>($"/api/v1/petition-warnings/{created!.Id}", CommandCenterApp.Json);
        Assert.Equal(20, fetched!.FollowUps.Count);
    }

    [Fact]
    public async Task PostTeamStatus_TwentyAtOnce_EachAppliedOrRefusedNeverAServerError()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            App.PostJsonAsync("/api/v1/teams/TM-007/status", new { status = i % 2 == 0 ? "offDuty" : "available" })));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        await using var db = App.NewDbContext();
        var applied = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(applied, await db.AuditEntries.CountAsync(e => e.SubjectId == "TM-007"));
    }
}
