using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Web.Access;
using CommandCenter.Web.Api;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Api;

/// <summary>
/// The administration API for teams and policy versions on the real app, signed in as the demo city administrator
/// ("admin"), or as a 湖滨街道 administrator made for the test.
/// </summary>
public sealed class SetupApiTests : FreshAppTest
{
    private static readonly object NewTeam = new
    {
        code = "TM-061",
        name = "湖滨应急队",
        type = "medical",
        nodeCode = "330188001",
        members = new[] { new { name = "张伟", role = "volunteer", phone = "13800000001" } },
        position = new { lat = 30.27752, lon = 120.110579 },
    };

    [Fact]
    public async Task CreateThenRetire_TeamLeavesTheTeamListButIsStillFoundByCode()
    {
        var admin = await App.SignedInClientAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/admin/teams", NewTeam, CommandCenterApp.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var reader = await App.CityReaderAsync();
        Assert.Contains("TM-061", await CodesAsync(reader, "/api/v1/teams"));

        var retired = await admin.PostAsync("/api/v1/admin/teams/TM-061/retire", null);

        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.DoesNotContain("TM-061", await CodesAsync(reader, "/api/v1/teams"));
        var team = await reader.GetFromJsonAsync<TeamDto>("/api/v1/teams/TM-061", CommandCenterApp.Json);
        Assert.Equal(App.Time.GetUtcNow(), team!.RetiredAt);
    }

    [Fact]
    public async Task CreateTeam_BadFields_Answers400NamingEachField()
    {
        var admin = await App.SignedInClientAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/v1/admin/teams", new
        {
            code = "TM-061",
            name = "",
            type = "firebrigade",
            nodeCode = "330188001",
            members = new[] { new { name = "张伟", role = "captain" } },
            position = new { lat = 30.280827, lon = 120.139309 },
        }, CommandCenterApp.Json);

        foreach (var field in new[] { "name", "type", "members[0].role", "position" })
        {
            await ProblemAssert.NamesFieldAsync(response, field);
        }
    }

    [Fact]
    public async Task CreateTeam_TownAdminInAnotherTown_Answers403()
    {
        var townAdmin = await TownAdminAsync();

        var response = await townAdmin.PostAsJsonAsync("/api/v1/admin/teams", new
        {
            code = "TM-061",
            name = "望江应急队",
            type = "medical",
            nodeCode = "330188002",
            members = new[] { new { name = "张伟", role = "volunteer" } },
        }, CommandCenterApp.Json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task PolicyDiff_ChangedCell_IsListedAndNothingIsSaved()
    {
        var admin = await App.SignedInClientAsync("admin");
        var draft = await DraftAsync(admin, acknowledge: 20);

        var response = await admin.PostAsJsonAsync("/api/v1/admin/policies/diff", draft, CommandCenterApp.Json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var cell = Assert.Single(body.RootElement.GetProperty("diff").GetProperty("cells").EnumerateArray());
        Assert.Equal(("01", "general", "acknowledge", 30, 20), (
            cell.GetProperty("category").GetString(), cell.GetProperty("severity").GetString(), cell.GetProperty("stage").GetString(),
            cell.GetProperty("oldMinutes").GetInt32(), cell.GetProperty("newMinutes").GetInt32()));
        Assert.True(body.RootElement.GetProperty("canSave").GetBoolean());
        Assert.Single(await admin.GetFromJsonAsync<List<PolicyVersionDto>>("/api/v1/admin/policies", CommandCenterApp.Json) ?? []);
    }

    [Fact]
    public async Task CreatePolicy_Valid_Answers201AndListsTheNewVersion()
    {
        var admin = await App.SignedInClientAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/v1/admin/policies", await DraftAsync(admin, acknowledge: 20), CommandCenterApp.Json);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/admin/policies/2", response.Headers.Location?.OriginalString);
        var versions = await admin.GetFromJsonAsync<List<PolicyVersionDto>>("/api/v1/admin/policies", CommandCenterApp.Json);
        Assert.Equal([(1, false), (2, true)], versions!.Select(v => (v.Version, v.InForce)));
    }

    [Fact]
    public async Task CreatePolicy_GapAndZero_Answers400ListingEveryProblem()
    {
        var admin = await App.SignedInClientAsync("admin");
        var draft = await DraftAsync(admin, acknowledge: 0);
        draft.Deadlines!.RemoveAll(d => d!.Category == "07" && d.Severity == "Critical");

        var response = await admin.PostAsJsonAsync("/api/v1/admin/policies", draft, CommandCenterApp.Json);

        await ProblemAssert.NamesFieldAsync(response, "deadlines");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("01 治安安全 × General: the Acknowledge limit is 0 minutes; it must be more than 0.", body, StringComparison.Ordinal);
        Assert.Contains("07 民生服务 × Critical has no deadlines", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePolicy_NotificationsSection_SavesWhatIsAskedAndKeepsTheRestOfTheBase()
    {
        var admin = await App.SignedInClientAsync("admin");
        var v1 = (await admin.GetFromJsonAsync<PolicyDto>("/api/v1/admin/policies/1", CommandCenterApp.Json))!;
        var draft = await DraftAsync(admin, acknowledge: 30) with
        {
            Notifications = new NotificationPolicyRequest(null, "Critical", null, null, LateReportCharged: false, null, null, null, RemindAfterMinutes: 5, null),
        };

        var response = await admin.PostAsJsonAsync("/api/v1/admin/policies", draft, CommandCenterApp.Json);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var v2 = (await admin.GetFromJsonAsync<PolicyDto>("/api/v1/admin/policies/2", CommandCenterApp.Json))!;
        Assert.Equal(
            v1.Notifications with { MinimumSeverity = Core.Alerts.Severity.Critical, LateReportCharged = false, RemindAfterMinutes = 5 },
            v2.Notifications);
    }

    [Fact]
    public async Task CreatePolicy_BadNotifications_Answers400NamingTheFieldAndSavesNothing()
    {
        var admin = await App.SignedInClientAsync("admin");
        var unknown = await DraftAsync(admin, acknowledge: 30) with
        {
            Notifications = new NotificationPolicyRequest(null, "Urgent", null, null, null, null, null, null, null, null),
        };
        var outOfRange = unknown with
        {
            Notifications = new NotificationPolicyRequest(
                null, null, null, null, null, null, SilentGridAfterMinutes: -5, null, RemindAfterMinutes: 0, NextRungAfterMinutes: 525_601),
        };

        await ProblemAssert.NamesFieldAsync(
            await admin.PostAsJsonAsync("/api/v1/admin/policies", unknown, CommandCenterApp.Json), "notifications.minimumSeverity");
        var refused = await admin.PostAsJsonAsync("/api/v1/admin/policies", outOfRange, CommandCenterApp.Json);
        await ProblemAssert.NamesFieldAsync(refused, "notifications.silentGridAfterMinutes");
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("the reminder interval is 0 minutes; it must be between 1 and 525600.", body, StringComparison.Ordinal);
        Assert.Contains("notifications.nextRungAfterMinutes", body, StringComparison.Ordinal);
        Assert.Single(await admin.GetFromJsonAsync<List<PolicyVersionDto>>("/api/v1/admin/policies", CommandCenterApp.Json) ?? []);
    }

    [Fact]
    public async Task CreatePolicy_TownAdmin_Answers403()
    {
        var townAdmin = await TownAdminAsync();
        var draft = await DraftAsync(townAdmin, acknowledge: 20);

        var response = await townAdmin.PostAsJsonAsync("/api/v1/admin/policies", draft, CommandCenterApp.Json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    /// <summary>The stored v1 as a request, with 01 × General's acknowledge limit changed.</summary>
    private static async Task<PolicyRequest> DraftAsync(HttpClient client, int acknowledge)
    {
        var v1 = (await client.GetFromJsonAsync<PolicyDto>("/api/v1/admin/policies/1", CommandCenterApp.Json))!;
        return new PolicyRequest(
            1,
            "v1 修订",
            null,
            v1.LateReportLimitMinutes.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value),
            [.. v1.Deadlines.Select(d => new DeadlineRequest(
                d.Category, d.Severity.ToString(), (d.Category, d.Severity) == ("01", Core.Alerts.Severity.General) ? acknowledge : d.AcknowledgeMinutes,
                d.DispatchMinutes, d.HandleMinutes, d.VerifyMinutes))],
            new PetitionPolicyRequest(v1.Petition.FollowUpCadenceMinutes.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value)));
    }

    private static async Task<List<string>> CodesAsync(HttpClient client, string path) =>
        [.. (await client.GetFromJsonAsync<List<TeamDto>>(path, CommandCenterApp.Json))!.Select(t => t.Code)];

    /// <summary>An administrator seated at 湖滨街道, signed in.</summary>
    private async Task<HttpClient> TownAdminAsync()
    {
        using (var scope = App.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CommandCenterUser>>();
            var user = new CommandCenterUser { UserName = "admin-hubin", DisplayName = "湖滨管理员", NodeCode = "330188001" };
            Assert.True((await users.CreateAsync(user, DemoUsers.Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, "Admin")).Succeeded);
        }

        return await App.SignedInClientAsync("admin-hubin");
    }
}
