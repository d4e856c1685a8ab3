using Bunit;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Audit;
using CommandCenter.Web.Components.Pages.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>
/// 审计链校验 on a real store: the last verification as stored (a command-line run included), a run started from the
/// page, and the page closed to an administrator below the city.
/// </summary>
public sealed class AuditTrailPageTests : AdminPageContext
{
    [Fact]
    public async Task NeverVerified_VerifyNow_ShowsAnIntactTrailRunFromThisPage()
    {
        await SignedInAsync();
        var page = Render<AuditTrailPage>();
        page.WaitForElement("[data-testid=trail-never]");
        Assert.Equal("尚未校验过。", page.Find("[data-testid=trail-never]").TextContent);
        Assert.StartsWith("审计链自 ", page.Find("[data-testid=trail-sealing]").TextContent.Trim(), StringComparison.Ordinal);

        await page.InvokeAsync(() => page.Find("[data-testid=trail-verify]").Click());

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=trail-result]").GetAttribute("data-intact")));
        await using var db = App.NewDbContext();
        var entries = await db.AuditEntries.CountAsync();
        var subjects = await db.AuditEntries.Select(e => new { e.Subject, e.SubjectId }).Distinct().CountAsync();
        Assert.Equal("上次校验：审计链完好。", page.Find("[data-testid=trail-result]").TextContent.Trim());
        Assert.Equal($"本页 · {(await StoredAsync("admin")).DisplayName}", page.Find("[data-testid=trail-by]").TextContent);
        Assert.Equal($"{entries} 条记录，{subjects} 个对象", page.Find("[data-testid=trail-checked]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=trail-problem]"));
    }

    [Fact]
    public async Task ACommandLineRunAfterAnEdit_IsShownWithTheEntryItNamed()
    {
        await SignedInAsync();
        long edited;
        await using (var db = App.NewDbContext())
        {
            edited = await db.AuditEntries.Where(e => e.Subject == AuditSubject.Division).Select(e => e.Id).FirstAsync();
            await db.Database.ExecuteSqlAsync($"UPDATE AuditEntries SET Comment = 'changed' WHERE Id = {edited}");
        }

        await App.Services.GetRequiredService<AuditTrailVerifier>().VerifyAsync(AuditCheckVia.CommandLine, "command-line");
        var page = Render<AuditTrailPage>();

        page.WaitForElement("[data-testid=trail-result]");
        Assert.Equal("false", page.Find("[data-testid=trail-result]").GetAttribute("data-intact"));
        Assert.Equal("上次校验：发现 1 处不符。", page.Find("[data-testid=trail-result]").TextContent.Trim());
        Assert.Equal("命令行 · command-line", page.Find("[data-testid=trail-by]").TextContent);
        Assert.Equal($"第 {edited} 条记录", page.Find("[data-testid=trail-first]").TextContent);
        Assert.StartsWith($"entry {edited} (Division 1, DivisionImported", page.Find("[data-testid=trail-problem]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TownAdmin_IsRefused_AndCannotStartAVerification()
    {
        await Admins.HubinAsync(App);
        await SignedInAsync("admin-hubin");

        var page = Render<AuditTrailPage>();

        page.WaitForElement("[data-testid=trail-refused]");
        Assert.Equal("只有市级管理员可以校验审计链。", page.Find("[data-testid=trail-refused]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=trail-verify]"));
        await using var db = App.NewDbContext();
        Assert.False(await db.AuditChecks.AnyAsync(c => c.Kind == AuditCheckKind.Verification));
    }
}
