using System.Net;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure;
using CommandCenter.Web.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>UserAdministration on the real app and store: what it refuses and why, what it changes, what it audits.</summary>
public sealed class UserAdministrationTests : AdminAppTest
{
    [Fact]
    public async Task CreateAsync_WeakPassword_RefusedSayingWhyAndNothingStored()
    {
        var result = await App.Users().CreateAsync(new NewUser("chen", "陈静", Role.Staff, Admins.HubinTown), "short", await Admins.CityAsync(App));

        Assert.Equal(AdminOutcome.Invalid, result.Outcome);
        Assert.All(result.Errors, e => Assert.Equal("password", e.Field));
        Assert.Contains(result.Errors, e => e.Message == "密码至少需要 8 个字符。");
        Assert.Contains(result.Errors, e => e.Message == "密码须包含至少一个大写字母。");
        await using var db = App.NewDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "chen"));
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Subject == AuditSubject.User && a.SubjectId == "chen"));
    }

    [Fact]
    public async Task CreateAsync_UserNameTaken_SaysSoAndChangesNothing()
    {
        await using var before = App.NewDbContext();
        var existing = await before.Users.AsNoTracking().SingleAsync(u => u.UserName == "staff-hubin");

        var result = await App.Users().CreateAsync(new NewUser("staff-hubin", "另一个人", Role.Leader, "330188"), Admins.Password, await Admins.CityAsync(App));

        Assert.Equal(AdminOutcome.Conflict, result.Outcome);
        Assert.Equal("用户名 staff-hubin 已存在，未做任何更改。", Assert.Single(result.Errors).Message);
        await using var after = App.NewDbContext();
        var stored = await after.Users.AsNoTracking().SingleAsync(u => u.UserName == "staff-hubin");
        Assert.Equal((existing.DisplayName, existing.NodeCode, existing.PasswordHash), (stored.DisplayName, stored.NodeCode, stored.PasswordHash));
        Assert.Equal(0, await after.AuditEntries.CountAsync(a => a.Subject == AuditSubject.User));
    }

    [Fact]
    public async Task CreateAsync_WithoutPassword_OneTimePasswordSignsInAndMustBeChanged()
    {
        var result = await App.Users().CreateAsync(new NewUser("chen", "陈静", Role.Staff, Admins.HubinTown), null, await Admins.CityAsync(App));

        Assert.True(result.Succeeded, result.Message);
        Assert.NotNull(result.OneTimePassword);
        Assert.True(result.User!.MustChangePassword);
        using var client = Forms.Client(App);
        var signIn = await Forms.SignInAsync(client, "chen", result.OneTimePassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var console = await client.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.StartsWith("/account", console.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_WritesOneAuditEntryInPlainWordsWithoutThePassword()
    {
        var result = await App.Users().CreateAsync(new NewUser("chen", "陈静", Role.DutyOfficer, Admins.HubinTown), Admins.Password, await Admins.CityAsync(App));

        Assert.True(result.Succeeded, result.Message);
        await using var db = App.NewDbContext();
        var entry = await db.AuditEntries.SingleAsync(a => a.Subject == AuditSubject.User && a.SubjectId == "chen");
        Assert.Equal(AuditAction.UserCreated, entry.Action);
        Assert.Equal(("系统管理员", "Admin@330188"), (entry.Actor, entry.Seat));
        Assert.Equal("新建：姓名 陈静，角色 值班员，节点 湖滨街道 (330188001)，首次登录须改密", entry.Comment);
        Assert.DoesNotContain(Admins.Password, entry.Comment, StringComparison.Ordinal);
        Assert.Equal(App.Time.GetUtcNow(), entry.At);
    }

    [Fact]
    public async Task DisableAsync_UserCannotSignInAndTheStampChanges()
    {
        var stampBefore = await StampAsync("staff-hubin");

        var result = await App.Users().DisableAsync("staff-hubin", await Admins.CityAsync(App));

        Assert.True(result.Succeeded, result.Message);
        Assert.True(result.User!.IsDisabled);
        Assert.NotEqual(stampBefore, await StampAsync("staff-hubin"));
        using var client = Forms.Client(App);
        var signIn = await Forms.SignInAsync(client, "staff-hubin", Access.DemoUsers.Password);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("此账号已停用，请联系管理员。", await Forms.TextAsync(signIn), StringComparison.Ordinal);
        await AssertAuditedAsync("staff-hubin", AuditAction.UserDisabled);
    }

    [Fact]
    public async Task SignIn_DisabledUserWithWrongPassword_IsToldOnlyThatTheCredentialsAreWrong()
    {
        await App.Users().DisableAsync("staff-hubin", await Admins.CityAsync(App));
        using var client = Forms.Client(App);

        var signIn = await Forms.SignInAsync(client, "staff-hubin", "not-the-password");

        var page = await Forms.TextAsync(signIn);
        Assert.DoesNotContain("已停用", page, StringComparison.Ordinal);
        Assert.Contains("用户名或密码错误", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisableAsync_ACookieIssuedBefore_StopsWorkingAfterTheValidationInterval()
    {
        using var staff = await App.SignedInClientAsync("staff-hubin");
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/api/v1/teams")).StatusCode);

        await App.Users().DisableAsync("staff-hubin", await Admins.CityAsync(App));
        App.Time.Advance(AdminServices.StampValidationInterval + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await staff.GetAsync("/api/v1/teams")).StatusCode);
    }

    [Fact]
    public async Task EnableAsync_DisabledUserSignsInAgain()
    {
        var city = await Admins.CityAsync(App);
        await App.Users().DisableAsync("staff-hubin", city);

        var result = await App.Users().EnableAsync("staff-hubin", city);

        Assert.True(result.Succeeded, result.Message);
        Assert.False(result.User!.IsDisabled);
        using var client = Forms.Client(App);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SignInAsync(client, "staff-hubin", Access.DemoUsers.Password)).StatusCode);
        await AssertAuditedAsync("staff-hubin", AuditAction.UserEnabled);
    }

    [Fact]
    public async Task UnlockAsync_ClearsTheLockoutAndTheFailedCount()
    {
        using var client = Forms.Client(App);
        for (var i = 0; i < 5; i++)
        {
            await Forms.SignInAsync(client, "staff-hubin", "wrong-password");
        }

        var locked = (await App.Users().ListAsync(await Admins.CityAsync(App), "staff-hubin")).Single();
        Assert.True(locked.IsLockedOut);

        var result = await App.Users().UnlockAsync("staff-hubin", await Admins.CityAsync(App));

        Assert.True(result.Succeeded, result.Message);
        Assert.False(result.User!.IsLockedOut);
        await using var db = App.NewDbContext();
        var stored = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == "staff-hubin");
        Assert.Equal((null, 0), (stored.LockoutEnd, stored.AccessFailedCount));
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SignInAsync(client, "staff-hubin", Access.DemoUsers.Password)).StatusCode);
        var entry = await db.AuditEntries.SingleAsync(a => a.SubjectId == "staff-hubin" && a.Action == AuditAction.UserUnlocked);
        Assert.StartsWith("解除锁定（原锁定至 ", entry.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetPasswordAsync_OneTimePasswordWorksUntilChangedAndForcesTheChange()
    {
        var reset = await App.Users().ResetPasswordAsync("staff-hubin", await Admins.CityAsync(App));
        Assert.True(reset.Succeeded, reset.Message);
        var oneTime = reset.OneTimePassword!;

        using var oldPassword = Forms.Client(App);
        Assert.Equal(HttpStatusCode.OK, (await Forms.SignInAsync(oldPassword, "staff-hubin", Access.DemoUsers.Password)).StatusCode);
        using var client = Forms.Client(App);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SignInAsync(client, "staff-hubin", oneTime)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/teams")).StatusCode);

        var changed = await Forms.ChangePasswordAsync(client, oneTime, Admins.Password);

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/teams")).StatusCode);
        using var again = Forms.Client(App);
        Assert.Equal(HttpStatusCode.OK, (await Forms.SignInAsync(again, "staff-hubin", oneTime)).StatusCode);
        await AssertAuditedAsync("staff-hubin", AuditAction.PasswordReset);
        await AssertAuditedAsync("staff-hubin", AuditAction.PasswordChanged);
    }

    [Fact]
    public async Task ChangeAsync_RoleNodeAndName_AppliedAndAuditedInOneEntry()
    {
        var result = await App.Users().ChangeAsync("staff-hubin", new UserChange("陈静", Role.DutyOfficer, Admins.WangjiangTown), await Admins.CityAsync(App));

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(("陈静", Role.DutyOfficer, Admins.WangjiangTown, "望江街道"), (result.User!.DisplayName, result.User.Role, result.User.NodeCode, result.User.NodeName));
        await using var db = App.NewDbContext();
        var entry = await db.AuditEntries.SingleAsync(a => a.SubjectId == "staff-hubin");
        Assert.Equal(AuditAction.UserChanged, entry.Action);
        Assert.Equal("姓名 湖滨街道处置员 → 陈静；节点 湖滨街道 (330188001) → 望江街道 (330188002)；角色 处置员 → 值班员", entry.Comment);
        using var client = await App.SignedInClientAsync("staff-hubin");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/wall/330188002")).StatusCode); // a duty officer may open the wall
    }

    [Fact]
    public async Task ChangeAsync_UnknownNode_RefusedAndNothingChanged()
    {
        var result = await App.Users().ChangeAsync("staff-hubin", new UserChange(NodeCode: "330199"), await Admins.CityAsync(App));

        Assert.Equal(AdminOutcome.Invalid, result.Outcome);
        Assert.Equal(new AdminError("nodeCode", "城市地图中没有节点 330199。"), Assert.Single(result.Errors));
        await using var db = App.NewDbContext();
        Assert.Equal(Admins.HubinTown, (await db.Users.SingleAsync(u => u.UserName == "staff-hubin")).NodeCode);
    }

    [Fact]
    public async Task ChangeAsync_NothingDifferent_SucceedsWithoutAnAuditEntry()
    {
        var result = await App.Users().ChangeAsync("staff-hubin", new UserChange("湖滨街道处置员", Role.Staff, Admins.HubinTown), await Admins.CityAsync(App));

        Assert.True(result.Succeeded, result.Message);
        await using var db = App.NewDbContext();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.SubjectId == "staff-hubin"));
    }

    [Fact]
    public async Task ListAsync_TownAdmin_SeesOnlyTheUsersOfTheirTown()
    {
        var town = await Admins.HubinAsync(App);

        var users = await App.Users().ListAsync(town);

        Assert.Equal(["admin-hubin", "duty-hubin", "leader-hubin", "staff-cuiyuan", "staff-hubin", "wall-hubin"], users.Select(u => u.UserName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListAsync_CityAdmin_SeesEveryoneAndFiltersByText()
    {
        var city = await Admins.CityAsync(App);

        var all = await App.Users().ListAsync(city);
        var filtered = await App.Users().ListAsync(city, "望江");

        Assert.Equal(Access.DemoUsers.All.Count, all.Count);
        Assert.Equal("staff-wangjiang", Assert.Single(filtered).UserName);
    }

    [Fact]
    public async Task TownAdmin_CannotTouchAUserOutsideTheirTown()
    {
        var town = await Admins.HubinAsync(App);

        var disable = await App.Users().DisableAsync("staff-wangjiang", town);
        var reset = await App.Users().ResetPasswordAsync("duty", town);
        var change = await App.Users().ChangeAsync("leader", new UserChange(DisplayName: "改名"), town);

        Assert.Equal([AdminOutcome.Forbidden, AdminOutcome.Forbidden, AdminOutcome.Forbidden], new[] { disable.Outcome, reset.Outcome, change.Outcome });
        Assert.Equal("用户 staff-wangjiang 不在您的管辖范围（湖滨街道 (330188001)）内。", disable.Message);
        Assert.Null(reset.OneTimePassword);
        await using var db = App.NewDbContext();
        Assert.Null((await db.Users.SingleAsync(u => u.UserName == "staff-wangjiang")).DisabledAt);
        Assert.Equal("王市长", (await db.Users.SingleAsync(u => u.UserName == "leader")).DisplayName);
    }

    [Fact]
    public async Task TownAdmin_CannotCreateACityAdminNorMoveTheirUsersOutOfTown()
    {
        var town = await Admins.HubinAsync(App);

        var cityAdmin = await App.Users().CreateAsync(new NewUser("boss", "新市管理员", Role.Admin, "330188"), Admins.Password, town);
        var moved = await App.Users().ChangeAsync("staff-hubin", new UserChange(NodeCode: Admins.WangjiangTown), town);

        Assert.Equal(new AdminError("nodeCode", "节点 明湖市 (330188) 不在您的管辖范围（湖滨街道 (330188001)）内。"), Assert.Single(cityAdmin.Errors));
        Assert.Equal(AdminOutcome.Invalid, moved.Outcome);
        Assert.Equal("nodeCode", Assert.Single(moved.Errors).Field);
        await using var db = App.NewDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "boss"));
        Assert.Equal(Admins.HubinTown, (await db.Users.SingleAsync(u => u.UserName == "staff-hubin")).NodeCode);
    }

    [Fact]
    public async Task TownAdmin_MayMakeAnAdminInsideTheirTown()
    {
        var town = await Admins.HubinAsync(App);

        var result = await App.Users().ChangeAsync("staff-cuiyuan", new UserChange(Role: Role.Admin), town);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(Role.Admin, result.User!.Role);
    }

    [Fact]
    public async Task Admin_CannotDisableDemoteOrMoveThemselves()
    {
        var city = await Admins.CityAsync(App);

        var disable = await App.Users().DisableAsync("admin", city);
        var demote = await App.Users().ChangeAsync("admin", new UserChange(Role: Role.Leader), city);
        var move = await App.Users().ChangeAsync("admin", new UserChange(NodeCode: Admins.HubinTown), city);
        var rename = await App.Users().ChangeAsync("admin", new UserChange(DisplayName: "总管理员"), city);

        Assert.Equal("不能停用自己的账号。", disable.Message);
        Assert.Equal("不能更改自己的角色，请另一位管理员操作。", demote.Message);
        Assert.Equal("不能更改自己的节点，请另一位管理员操作。", move.Message);
        Assert.True(rename.Succeeded, rename.Message);
        var me = (await App.Users().ListAsync(city, "admin")).Single(u => u.UserName == "admin");
        Assert.Equal((Role.Admin, "330188", false), (me.Role!.Value, me.NodeCode, me.IsDisabled));
    }

    [Fact]
    public async Task ChangeOwnPasswordAsync_WrongCurrentOrWeakNew_RefusedWithReasons()
    {
        var userId = (await Admins.AsAsync(App, "admin")).UserId!;
        var actor = Actor.System("test");

        var wrongCurrent = await App.Users().ChangeOwnPasswordAsync(userId, "nope", Admins.Password, actor);
        var weak = await App.Users().ChangeOwnPasswordAsync(userId, Access.DemoUsers.Password, "abcdefgh", actor);
        var same = await App.Users().ChangeOwnPasswordAsync(userId, Access.DemoUsers.Password, Access.DemoUsers.Password, actor);

        Assert.Equal(new AdminError("currentPassword", "当前密码不正确。"), Assert.Single(wrongCurrent.Errors));
        Assert.Equal(
            new[] { "密码须包含至少一个符号（如 # % @ !）。", "密码须包含至少一个数字。", "密码须包含至少一个大写字母。" }.Order(StringComparer.Ordinal),
            weak.Errors.Select(e => e.Message).Order(StringComparer.Ordinal));
        Assert.All(weak.Errors, e => Assert.Equal("newPassword", e.Field));
        Assert.Equal("新密码不能与当前密码相同。", same.Message);
        await using var db = App.NewDbContext();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.PasswordChanged));
    }

    [Fact]
    public async Task CreateAsync_NoCityImportedYet_RefusedPlainly()
    {
        // The app can start before a city is imported; the command line's first admin then cannot be placed.
        var service = new UserAdministration(
            App.Services.GetRequiredService<IServiceScopeFactory>(),
            new AdminNodes(new ReferenceData()),
            App.Time,
            App.Services.GetRequiredService<IStringLocalizer<AdminText>>(),
            NullLogger<UserAdministration>.Instance);

        var result = await service.CreateAsync(new NewUser("root", "首位管理员", Role.Admin, "330188"), Admins.Password, Administrator.CommandLine("cli:create-admin"));

        Assert.Equal(new AdminError("nodeCode", "城市地图尚未导入，无法校验节点；请先导入城市地图。"), Assert.Single(result.Errors));
    }

    [Fact]
    public async Task CreateAsync_FromTheCommandLine_CreatesAnAdminAuditedAsTheSystem()
    {
        var result = await App.Users().CreateAsync(new NewUser("root", "首位管理员", Role.Admin, "330188"), Admins.Password, Administrator.CommandLine("cli:create-admin"));

        Assert.True(result.Succeeded, result.Message);
        Assert.Null(result.OneTimePassword);
        await using var db = App.NewDbContext();
        var entry = await db.AuditEntries.SingleAsync(a => a.SubjectId == "root");
        Assert.Equal(("cli:create-admin", "system"), (entry.Actor, entry.Seat));
        using var client = Forms.Client(App);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SignInAsync(client, "root", Admins.Password)).StatusCode);
    }

    private async Task<string?> StampAsync(string userName)
    {
        await using var db = App.NewDbContext();
        return (await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName)).SecurityStamp;
    }

    private async Task AssertAuditedAsync(string userName, AuditAction action)
    {
        await using var db = App.NewDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Subject == AuditSubject.User && a.SubjectId == userName && a.Action == action));
    }
}
