using System.Net;
using System.Text.Json;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Web.Access;
using CommandCenter.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>
/// A user whose password an administrator set is held at /account until they choose their own: pages redirect there,
/// the API and the hub answer 403; signing in and out, static files and health checks stay open.
/// </summary>
public sealed class PasswordChangeTests : AdminAppTest
{
    private const string Given = "Given#2026pw";

    [Fact]
    public async Task MustChange_ConsoleRedirectsToTheAccountPage()
    {
        using var client = await SignedInMustChangeAsync();

        var console = await client.GetAsync("/console?state=Reported");

        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.Equal("/account?ReturnUrl=%2Fconsole%3Fstate%3DReported", console.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/api/v1/alerts")]
    [InlineData("/api/v1/admin/users")]
    [InlineData("/hubs/command-center/negotiate?negotiateVersion=1")]
    public async Task MustChange_ApiAndHubAnswer403SayingAPasswordChangeIsRequired(string path)
    {
        using var client = await SignedInMustChangeAsync();

        var response = path.Contains("negotiate", StringComparison.Ordinal) ? await client.PostAsync(path, null) : await client.GetAsync(path);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("A password change is required.", json.RootElement.GetProperty("title").GetString());
        Assert.True(json.RootElement.GetProperty("passwordChangeRequired").GetBoolean());
    }

    [Theory]
    [InlineData("/account")]
    [InlineData("/healthz")]
    [InlineData("/css/site.css")]
    [InlineData("/signin")]
    public async Task MustChange_AccountHealthStaticFilesAndSignInStayReachable(string path)
    {
        using var client = await SignedInMustChangeAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task MustChange_AccountPageSaysWhyAndWhoTheyAre()
    {
        using var client = await SignedInMustChangeAsync();

        var page = await Forms.TextAsync(await client.GetAsync("/account"));

        Assert.Contains("管理员为您设置了密码。请先修改为您自己的密码，然后才能使用系统。", page, StringComparison.Ordinal);
        Assert.Contains("陈静", page, StringComparison.Ordinal);
        Assert.Contains("chen", page, StringComparison.Ordinal);
        Assert.Contains("处置员", page, StringComparison.Ordinal);
        Assert.Contains("湖滨街道 (330188001)", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterChangingThePassword_ConsoleWorksAndTheChangeIsAudited()
    {
        using var client = await SignedInMustChangeAsync();

        var changed = await Forms.ChangePasswordAsync(client, Given, Admins.Password, path: "/account?ReturnUrl=%2Fconsole");

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/console", new Uri(App.BaseAddress, changed.Headers.Location!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console")).StatusCode);
        await using var db = App.NewDbContext();
        Assert.False((await db.Users.SingleAsync(u => u.UserName == "chen")).MustChangePassword);
        var entry = await db.AuditEntries.SingleAsync(a => a.SubjectId == "chen" && a.Action == AuditAction.PasswordChanged);
        Assert.Equal(("陈静", "Staff@330188001"), (entry.Actor, entry.Seat));
    }

    [Fact]
    public async Task AccountPage_WeakNewPassword_ShowsEveryReasonAndKeepsTheUserHeld()
    {
        using var client = await SignedInMustChangeAsync();

        var response = await Forms.ChangePasswordAsync(client, Given, "abcdefgh");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Forms.TextAsync(response);
        Assert.Contains("密码须包含至少一个数字。", page, StringComparison.Ordinal);
        Assert.Contains("密码须包含至少一个大写字母。", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/console")).StatusCode);
    }

    [Fact]
    public async Task AccountPage_RepeatDiffers_SaysSoAndChangesNothing()
    {
        using var client = await SignedInMustChangeAsync();

        var response = await Forms.ChangePasswordAsync(client, Given, Admins.Password, repeat: Admins.Password + "x");

        Assert.Contains("两次输入的新密码不一致。", await Forms.TextAsync(response), StringComparison.Ordinal);
        await using var db = App.NewDbContext();
        Assert.True((await db.Users.SingleAsync(u => u.UserName == "chen")).MustChangePassword);
    }

    [Fact]
    public async Task AccountPage_AnyoneMayChangeTheirPasswordAnytime()
    {
        using var client = Forms.Client(App);
        await Forms.SignInAsync(client, "duty", DemoUsers.Password);

        var response = await Forms.ChangePasswordAsync(client, DemoUsers.Password, Admins.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("密码已修改。", await Forms.TextAsync(response), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/teams")).StatusCode);
        using var fresh = Forms.Client(App);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SignInAsync(fresh, "duty", Admins.Password)).StatusCode);
    }

    [Fact]
    public async Task AccountPage_NotSignedIn_GoesToSignIn()
    {
        using var client = Forms.Client(App);

        var response = await client.GetAsync("/account");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/signin?ReturnUrl=", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    /// <summary>"chen", created by the city admin with a password they set, signed in.</summary>
    private async Task<HttpClient> SignedInMustChangeAsync()
    {
        var created = await App.Users().CreateAsync(new NewUser("chen", "陈静", Role.Staff, Admins.HubinTown), Given, await Admins.CityAsync(App));
        Assert.True(created.Succeeded, created.Message);
        var client = Forms.Client(App);
        var signIn = await Forms.SignInAsync(client, "chen", Given);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return client;
    }
}
