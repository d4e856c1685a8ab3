using System.Net;
using System.Net.Http.Json;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Web.Api;
using CommandCenter.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>/api/v1/admin/users and /api/v1/admin/audit: the service's rules over HTTP, refusals as problem details.</summary>
public sealed class UserAdminApiTests : AdminAppTest
{
    [Fact]
    public async Task Create_WithoutPassword_201WithTheOneTimePasswordOnce()
    {
        using var admin = await App.SignedInClientAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/v1/admin/users", new { userName = "chen", displayName = "陈静", role = "处置员", nodeCode = "330188001" }, CommandCenterApp.Json);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/admin/users/chen", response.Headers.Location!.OriginalString);
        var created = (await response.Content.ReadFromJsonAsync<UserWithPasswordDto>(CommandCenterApp.Json))!;
        Assert.Equal((Role.Staff, "湖滨街道", true), (created.User.Role!.Value, created.User.NodeName, created.User.MustChangePassword));
        Assert.False(string.IsNullOrEmpty(created.OneTimePassword));
        var listed = await admin.GetStringAsync("/api/v1/admin/users?q=chen");
        Assert.DoesNotContain(created.OneTimePassword, listed, StringComparison.Ordinal);
        Assert.Contains("\"mustChangePassword\":true", listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BadFields_400NamingEachField()
    {
        using var admin = await App.SignedInClientAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/v1/admin/users", new { userName = "", displayName = "陈静", role = "staff", nodeCode = "999", password = "weak" }, CommandCenterApp.Json);

        await ProblemAssert.NamesFieldAsync(response, "userName");
        await ProblemAssert.NamesFieldAsync(response, "nodeCode");
    }

    [Fact]
    public async Task Create_UnknownRole_400NamingTheRoles()
    {
        using var admin = await App.SignedInClientAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/v1/admin/users", new { userName = "chen", displayName = "陈静", role = "boss", nodeCode = "330188001" }, CommandCenterApp.Json);

        await ProblemAssert.NamesFieldAsync(response, "role");
        Assert.Contains("dutyOfficer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TakenUserName_409()
    {
        using var admin = await App.SignedInClientAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/v1/admin/users", new { userName = "duty", displayName = "x", role = "staff", nodeCode = "330188" }, CommandCenterApp.Json);

        await ProblemAssert.NamesFieldAsync(response, "userName", HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task PatchDisableUnlockEnableReset_EachAnswersTheUserAndIsAudited()
    {
        using var admin = await App.SignedInClientAsync("admin");

        var patched = await admin.PatchAsJsonAsync("/api/v1/admin/users/staff-hubin", new { role = "dutyOfficer" }, CommandCenterApp.Json);
        var disabled = await admin.PostAsync("/api/v1/admin/users/staff-hubin/disable", null);
        var enabled = await admin.PostAsync("/api/v1/admin/users/staff-hubin/enable", null);
        var unlocked = await admin.PostAsync("/api/v1/admin/users/staff-hubin/unlock", null);
        var reset = await admin.PostAsync("/api/v1/admin/users/staff-hubin/reset-password", null);

        Assert.Equal(Role.DutyOfficer, (await patched.Content.ReadFromJsonAsync<UserDto>(CommandCenterApp.Json))!.Role);
        Assert.NotNull((await disabled.Content.ReadFromJsonAsync<UserDto>(CommandCenterApp.Json))!.DisabledAt);
        Assert.Null((await enabled.Content.ReadFromJsonAsync<UserDto>(CommandCenterApp.Json))!.DisabledAt);
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        var withPassword = (await reset.Content.ReadFromJsonAsync<UserWithPasswordDto>(CommandCenterApp.Json))!;
        Assert.True(withPassword.User.MustChangePassword);
        Assert.NotNull(withPassword.OneTimePassword);
        await using var db = App.NewDbContext();
        Assert.Equal(
            [AuditAction.UserChanged, AuditAction.UserDisabled, AuditAction.UserEnabled, AuditAction.PasswordReset],
            await db.AuditEntries.Where(a => a.SubjectId == "staff-hubin").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task DisableSelf_400AndStillEnabled()
    {
        using var admin = await App.SignedInClientAsync("admin");

        var response = await admin.PostAsync("/api/v1/admin/users/admin/disable", null);

        await ProblemAssert.NamesFieldAsync(response, "userName");
        await using var db = App.NewDbContext();
        Assert.Null((await db.Users.SingleAsync(u => u.UserName == "admin")).DisabledAt);
    }

    [Fact]
    public async Task TownAdmin_UserOutsideTheTown_403_UnknownUser_404()
    {
        using var town = await Admins.HubinClientAsync(App);

        var outside = await town.PostAsync("/api/v1/admin/users/staff-wangjiang/disable", null);
        var unknown = await town.PostAsync("/api/v1/admin/users/nobody/disable", null);
        var list = (await town.GetFromJsonAsync<List<UserDto>>("/api/v1/admin/users", CommandCenterApp.Json))!;

        await ProblemAssert.IsProblemAsync(outside, HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.All(list, u => Assert.StartsWith(Admins.HubinTown, u.NodeCode, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UserEndpoints_NeedAnAdmin()
    {
        using var leader = await App.SignedInClientAsync("leader");

        Assert.Equal(HttpStatusCode.Forbidden, (await leader.GetAsync("/api/v1/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Http.GetAsync("/api/v1/admin/users")).StatusCode);
    }

    [Fact]
    public async Task ApiKeys_CreatedAndRevoked_AreAuditedAndListedNewestFirst()
    {
        using var admin = await App.SignedInClientAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/admin/api-keys", new { source = "video", name = "视频平台" }, CommandCenterApp.Json);
        var key = (await created.Content.ReadFromJsonAsync<CreatedApiKeyDto>(CommandCenterApp.Json))!;
        App.Time.Advance(TimeSpan.FromMinutes(5));

        var revoked = await admin.DeleteAsync($"/api/v1/admin/api-keys/{key.Id}");
        var again = await admin.DeleteAsync($"/api/v1/admin/api-keys/{key.Id}");
        var audit = (await admin.GetFromJsonAsync<AuditPageDto>("/api/v1/admin/audit?subject=apiKey", CommandCenterApp.Json))!;

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (revoked.StatusCode, again.StatusCode));
        Assert.Equal([AuditAction.ApiKeyRevoked, AuditAction.ApiKeyCreated], audit.Entries.Select(e => e.Action));
        Assert.All(audit.Entries, e => Assert.Equal((key.Id.ToString(), "系统管理员", "Admin@330188"), (e.SubjectId, e.Actor, e.Seat)));
        Assert.Equal("名称 视频平台，来源 视频监控", audit.Entries[1].Comment);
        Assert.DoesNotContain(key.Key, audit.Entries[1].Comment ?? "", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("v-1").With("source", "video"), key.Key)).StatusCode);
    }

    [Fact]
    public async Task ApiKeys_TownAdmin_403()
    {
        using var town = await Admins.HubinClientAsync(App);

        var response = await town.PostAsJsonAsync("/api/v1/admin/api-keys", new { source = "video", name = "x" }, CommandCenterApp.Json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        await using var db = App.NewDbContext();
        Assert.False(await db.ApiKeys.AnyAsync());
    }

    [Fact]
    public async Task Audit_TownAdmin_ReadsOnlyEntriesAboutTheirOwnUsers()
    {
        var city = await Admins.CityAsync(App);
        await App.Users().DisableAsync("staff-hubin", city);
        await App.Users().DisableAsync("staff-wangjiang", city);
        using var admin = await App.SignedInClientAsync("admin");
        await admin.PostAsJsonAsync("/api/v1/admin/api-keys", new { source = "video", name = "视频平台" }, CommandCenterApp.Json);
        using var town = await Admins.HubinClientAsync(App);

        var seen = (await town.GetFromJsonAsync<AuditPageDto>("/api/v1/admin/audit", CommandCenterApp.Json))!;

        Assert.Equal(
            ["admin-hubin:PasswordChanged", "admin-hubin:UserCreated", "staff-hubin:UserDisabled"],
            seen.Entries.Select(e => $"{e.SubjectId}:{e.Action}"));
    }

    [Fact]
    public async Task Audit_FiltersByActorAndDays_PagesInTheStore()
    {
        var city = await Admins.CityAsync(App);
        foreach (var user in new[] { "staff-hubin", "staff-wangjiang", "staff-cuiyuan" })
        {
            await App.Users().DisableAsync(user, city);
            App.Time.Advance(TimeSpan.FromDays(1));
        }

        using var admin = await App.SignedInClientAsync("admin");
        var page = (await admin.GetFromJsonAsync<AuditPageDto>("/api/v1/admin/audit?actor=系统管理员&pageSize=2&page=2", CommandCenterApp.Json))!;
        var day = (await admin.GetFromJsonAsync<AuditPageDto>("/api/v1/admin/audit?from=2026-11-28&to=2026-11-28", CommandCenterApp.Json))!;
        var bad = await admin.GetAsync("/api/v1/admin/audit?from=yesterday");

        Assert.Equal((3, 2, "staff-hubin"), (page.Total, page.Page, Assert.Single(page.Entries).SubjectId));
        Assert.Equal("staff-wangjiang", Assert.Single(day.Entries).SubjectId);
        await ProblemAssert.NamesFieldAsync(bad, "from");
    }
}
