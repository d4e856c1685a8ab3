using System.Text;
using Bunit;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Web.Access;
using CommandCenter.Web.Components.Pages.Admin;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>The users and import pages on a real store: what they list, and that their buttons do what they say.</summary>
public sealed class UsersPageTests : AdminPageContext
{
    [Fact]
    public async Task CityAdmin_SeesEveryUserWithNodeNameRoleAndState()
    {
        await SignedInAsync();
        await App.Users().DisableAsync("staff-wangjiang", await Admins.CityAsync(App));

        var page = Render<Users>();

        page.WaitForAssertion(() => Assert.Equal(Access.DemoUsers.All.Count, page.FindAll("[data-testid=user-row]").Count));
        var hubin = page.Find("[data-user=staff-hubin]");
        Assert.Equal("湖滨街道 (330188001)", hubin.QuerySelector("[data-testid=user-node]")!.TextContent);
        Assert.Equal("处置员", hubin.QuerySelector("[data-testid=user-role]")!.TextContent);
        Assert.NotNull(hubin.QuerySelector("[data-state=active]"));
        Assert.NotNull(page.Find("[data-user=staff-wangjiang]").QuerySelector("[data-state=disabled]"));
        Assert.Null(page.Find("[data-user=admin]").QuerySelector("[data-action=disable]")); // no button to disable oneself
    }

    [Fact]
    public async Task TownAdmin_SeesOnlyTheirTownsUsers()
    {
        await Admins.HubinAsync(App);
        await SignedInAsync("admin-hubin");

        var page = Render<Users>();
        page.WaitForElement("[data-testid=user-row]");

        var users = page.FindAll("[data-testid=user-row]").Select(r => r.GetAttribute("data-user")).ToList();
        Assert.Equal(6, users.Count);
        Assert.DoesNotContain("staff-wangjiang", users);
        Assert.Equal("管辖范围：湖滨街道", page.Find("[data-testid=jurisdiction]").TextContent);
    }

    [Fact]
    public async Task Disable_AsksFirstThenDisables()
    {
        await SignedInAsync();
        var page = Render<Users>();

        page.WaitForElement("[data-user=staff-hubin] [data-action=disable]").Click();
        Assert.Null((await StoredAsync("staff-hubin")).DisabledAt);
        Assert.Contains("确认停用用户 staff-hubin？", page.Find("[data-testid=confirm]").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=confirm-yes]").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-user=staff-hubin]").QuerySelector("[data-state=disabled]")));
        Assert.NotNull((await StoredAsync("staff-hubin")).DisabledAt);
        Assert.Contains("已停用用户 staff-hubin", page.Find("[data-testid=users-message]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_ShowsTheOneTimePasswordThatSignsIn()
    {
        await SignedInAsync();
        var page = Render<Users>();

        page.WaitForElement("[data-user=staff-hubin] [data-action=reset]").Click();
        page.Find("[data-testid=confirm-yes]").Click();

        var shown = page.WaitForElement("[data-testid=one-time-value]").TextContent;
        using var client = Forms.Client(App);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await Forms.SignInAsync(client, "staff-hubin", shown)).StatusCode);
        Assert.NotNull(page.Find("[data-user=staff-hubin]").QuerySelector("[data-state=must-change]"));
    }

    [Fact]
    public async Task Create_ShowsWhatIsMissingThenCreatesWithAOneTimePassword()
    {
        await SignedInAsync();
        var page = Render<Users>();
        page.WaitForElement("[data-testid=user-row]");
        page.Find("[data-testid=new-user]").Click();
        Input(page, "form-username").Change("chen");

        page.Find("[data-testid=form-save]").Click();

        Assert.Contains("请填写姓名。", page.Find("[data-testid=user-form]").TextContent, StringComparison.Ordinal);
        Input(page, "form-displayname").Change("陈静");
        await page.InvokeAsync(() => page.FindComponent<MudAutocomplete<string>>().Instance.SelectOptionAsync("330188001"));
        page.Find("[data-testid=form-save]").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-user=chen]")));
        Assert.Equal("湖滨街道 (330188001)", page.Find("[data-user=chen] [data-testid=user-node]").TextContent);
        Assert.False(string.IsNullOrWhiteSpace(page.Find("[data-testid=one-time-value]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=user-form]"));
        await using var db = App.NewDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.SubjectId == "chen" && a.Action == AuditAction.UserCreated));
    }

    [Fact]
    public async Task Edit_RoleOfAnotherUser_IsSaved()
    {
        await SignedInAsync();
        var page = Render<Users>();

        page.WaitForElement("[data-user=staff-hubin] [data-action=edit]").Click();
        await page.InvokeAsync(() => page.FindComponent<MudSelect<Role>>().Instance.SelectOption(Role.DutyOfficer));
        page.Find("[data-testid=form-save]").Click();

        page.WaitForAssertion(() => Assert.Equal("值班员", page.Find("[data-user=staff-hubin] [data-testid=user-role]").TextContent));
    }
}

public sealed class UserImportPageTests : AdminPageContext
{
    private const string Header = "用户名,姓名,角色,节点编码\r\n";

    [Fact]
    public async Task BadRows_AreListedWithTheirRowNumbersAndNothingIsCreated()
    {
        await SignedInAsync();
        var page = Render<UserImport>();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(
            Encoding.UTF8.GetBytes(Header + "li.na,李娜,处置员,330188001\r\nwang.fang,王芳,司机,330188001\r\n,赵磊,Staff,330188001\r\n"), "users.csv"));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=problem-row]")));
        Assert.Equal(["3", "4"], page.FindAll("[data-testid=problem-row]").Select(r => r.GetAttribute("data-row")));
        Assert.Contains("未导入 users.csv：2 行有问题", page.Find("[data-testid=import-refused]").TextContent, StringComparison.Ordinal);
        await using var db = App.NewDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "li.na"));
    }

    [Fact]
    public async Task GoodRows_AreCreatedAndTheirOneTimePasswordsOfferedAsCsv()
    {
        await SignedInAsync();
        var page = Render<UserImport>();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(
            Encoding.UTF8.GetBytes(Header + "li.na,李娜,处置员,330188001\r\nwang.fang,王芳,Leader,330188001001\r\n"), "users.csv"));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=created-row]").Count));
        var passwords = page.FindAll("[data-testid=created-password]").Select(p => p.TextContent).ToList();
        var link = page.Find("[data-testid=passwords-csv]").GetAttribute("href")!;
        Assert.StartsWith("data:text/csv;charset=utf-8;base64,", link, StringComparison.Ordinal);
        var csv = Encoding.UTF8.GetString(Convert.FromBase64String(link[(link.IndexOf(',', StringComparison.Ordinal) + 1)..]));
        Assert.All(passwords, p => Assert.Contains(p, csv, StringComparison.Ordinal));
        Assert.NotNull((await StoredAsync("wang.fang")).PasswordHash);
    }
}

/// <summary>The API keys page: a key shown once, listed, revoked after a confirmation, each step audited.</summary>
public sealed class ApiKeyPageTests : AdminPageContext
{
    [Fact]
    public async Task CityAdmin_CreatesAKey_ShownOnceListedAndAudited()
    {
        await SignedInAsync();
        var page = Render<ApiKeyAdmin>();
        page.WaitForElement("[data-testid=no-keys]");

        Input(page, "key-name").Change("视频平台");
        page.Find("[data-testid=key-create]").Click();

        var key = page.WaitForElement("[data-testid=new-key-value]").TextContent;
        Assert.StartsWith("cc_", key, StringComparison.Ordinal);
        Assert.Single(page.FindAll("[data-testid=key-row]"));
        Assert.DoesNotContain(key, page.Find("[data-testid=keys]").TextContent, StringComparison.Ordinal);
        await using var db = App.NewDbContext();
        var entry = await db.AuditEntries.SingleAsync(a => a.Subject == AuditSubject.ApiKey);
        Assert.Equal((AuditAction.ApiKeyCreated, "系统管理员"), (entry.Action, entry.Actor));
        Assert.NotNull(await App.Services.GetRequiredService<ApiKeys>().IdentifyAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Revoke_AsksFirstThenRevokesAndAudits()
    {
        await SignedInAsync();
        var (record, key) = await App.Services.GetRequiredService<ApiKeys>().CreateAsync(Core.Alerts.AlertSource.Hotline, "热线", Actor.System("test"), CancellationToken.None);
        var page = Render<ApiKeyAdmin>();

        page.WaitForElement($"[data-key='{record.Id}'] [data-action=revoke]").Click();
        Assert.Contains("确认吊销密钥“热线”（12345热线）？", page.Find("[data-testid=confirm]").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=confirm-yes]").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find($"[data-key='{record.Id}'] [data-state=revoked]")));
        Assert.Null(await App.Services.GetRequiredService<ApiKeys>().IdentifyAsync(key, CancellationToken.None));
        await using var db = App.NewDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == AuditAction.ApiKeyRevoked && a.SubjectId == record.Id.ToString()));
    }

    [Fact]
    public async Task TownAdmin_IsRefused()
    {
        await Admins.HubinAsync(App);
        await SignedInAsync("admin-hubin");

        var page = Render<ApiKeyAdmin>();

        Assert.Equal("只有市级管理员可以管理接口密钥。", page.Find("[data-testid=keys-refused]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=key-create]"));
    }
}

/// <summary>The audit page: newest first in the city's time, actions in Chinese, filtered and paged by the store.</summary>
public sealed class AuditPageTests : AdminPageContext
{
    [Fact]
    public async Task ListsAdminChangesNewestFirstInCityTime()
    {
        await SignedInAsync();
        var city = await Admins.CityAsync(App);
        await App.Users().DisableAsync("staff-hubin", city);
        App.Time.Advance(TimeSpan.FromMinutes(90));
        await App.Users().ResetPasswordAsync("staff-wangjiang", city);

        var page = Render<AuditLogPage>();
        page.WaitForElement("[data-testid=audit-row]");

        // The oldest entry is the store's own set-up: the demo city imported as division version 1.
        var rows = page.FindAll("[data-testid=audit-row]");
        Assert.Equal(["PasswordReset", "UserDisabled", "DivisionImported"], rows.Select(r => r.GetAttribute("data-action")));
        Assert.Equal("2026-11-27 11:30:00", rows[0].Children[0].TextContent);
        Assert.Equal("重置密码", rows[0].Children[2].TextContent);
        Assert.Contains("管理员@明湖市", rows[0].Children[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("用户 staff-wangjiang", rows[0].Children[3].TextContent);
    }

    [Fact]
    public async Task SubjectFilter_AndPaging_AskTheStore()
    {
        await SignedInAsync();
        var keys = App.Services.GetRequiredService<ApiKeys>();
        for (var i = 0; i < 60; i++)
        {
            await keys.CreateAsync(Core.Alerts.AlertSource.Sensor, $"传感器 {i}", Actor.System("test"), CancellationToken.None);
        }

        await App.Users().DisableAsync("staff-hubin", await Admins.CityAsync(App));
        var page = Render<AuditLogPage>();
        page.WaitForAssertion(() => Assert.Equal(50, page.FindAll("[data-testid=audit-row]").Count));
        Assert.Equal("共 62 条", page.Find("[data-testid=audit-total]").TextContent); // 60 keys, a user, the demo city's import

        await page.InvokeAsync(() => page.FindComponent<MudPagination>().Instance.SelectedChanged.InvokeAsync(2));
        page.WaitForAssertion(() => Assert.Equal(12, page.FindAll("[data-testid=audit-row]").Count));

        await page.InvokeAsync(() => page.FindComponent<MudSelect<string>>().Instance.SelectOption("User"));
        page.WaitForAssertion(() => Assert.Equal("UserDisabled", Assert.Single(page.FindAll("[data-testid=audit-row]")).GetAttribute("data-action")));
    }
}
