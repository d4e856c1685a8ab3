using Bunit;
using CommandCenter.Core.Audit;
using CommandCenter.Web.Components.Admin;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>
/// The policy page on a real store with the seeded v1 (01 治安安全 × 一般: 30 minutes to acknowledge; 0302 燃气隐患
/// overrides 重大 and 特别重大), as the city's administrator. Nothing is saved before the diff is confirmed.
/// </summary>
public sealed class PolicyAdminPageTests : AdminTestContext
{
    [Fact]
    public async Task Page_ListsTheSeededVersionInForce()
    {
        await UseAdminStoreAsync();

        var page = RenderPage<PolicyAdmin>();

        var version = Assert.Single(page.FindAll("[data-testid=policy-version]"));
        Assert.Equal("1", version.GetAttribute("data-version"));
        Assert.Contains("执行中", version.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_ChangedCell_ShowsItOldToNewAndSavesNothingYet()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<PolicyAdmin>();

        page.Find("input[data-cell='01|General|Acknowledge']").Change("20");
        await page.Find("[data-testid=policy-review]").ClickAsync(new());

        var cell = Assert.Single(page.FindAll("[data-testid=diff-cell]"));
        Assert.Equal("01|General|Acknowledge", cell.GetAttribute("data-cell"));
        Assert.Equal(["01 治安安全", "一般", "签收", "30", "20"], cell.QuerySelectorAll("td").Select(td => td.TextContent));
        Assert.Contains("v1 → v2", page.Find("[data-testid=policy-diff]").TextContent, StringComparison.Ordinal);
        await using var db = Store.NewDbContext();
        Assert.Equal(1, await db.Policies.CountAsync());
    }

    [Fact]
    public async Task Review_OverrideAddedAndRemoved_ShowsBoth()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<PolicyAdmin>();

        await page.Find("[data-rule='0302|Serious'] [data-testid=override-remove]").ClickAsync(new());
        page.Find("[data-testid=override-category]").Change("0101");
        page.Find("[data-testid=override-severity]").Change("Critical");
        await page.Find("[data-testid=override-add]").ClickAsync(new());
        page.Find("input[data-cell='0101|Critical|Acknowledge']").Change("4");
        await page.Find("[data-testid=policy-review]").ClickAsync(new());

        Assert.Equal("0101|Critical", page.Find("[data-testid=diff-added]").GetAttribute("data-rule"));
        Assert.Contains("（4 / 10 / 180 / 60 分钟）", page.Find("[data-testid=diff-added]").TextContent, StringComparison.Ordinal);
        Assert.Equal("0302|Serious", page.Find("[data-testid=diff-removed]").GetAttribute("data-rule"));
    }

    [Fact]
    public async Task Confirm_AfterReview_SavesVersion2AndListsIt()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<PolicyAdmin>();
        page.Find("input[data-cell='01|General|Acknowledge']").Change("20");
        await page.Find("[data-testid=policy-review]").ClickAsync(new());

        await page.Find("[data-testid=policy-confirm]").ClickAsync(new());

        Assert.Contains("已保存为 v2", page.Find("[data-testid=policy-message]").TextContent, StringComparison.Ordinal);
        Assert.Equal(["1", "2"], page.FindAll("[data-testid=policy-version]").Select(v => v.GetAttribute("data-version")));
        Assert.Equal(2, Reference.CurrentPolicy.Version);
        await using var db = Store.NewDbContext();
        Assert.Equal(AuditAction.PolicyVersionCreated, (await db.AuditEntries.SingleAsync(e => e.Subject == AuditSubject.Policy)).Action);
    }

    [Fact]
    public async Task Review_GraverSeverityGivenMoreTime_ShowsTheProblemInsteadOfADiff()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<PolicyAdmin>();

        page.Find("input[data-cell='05|Critical|Acknowledge']").Change("20");
        await page.Find("[data-testid=policy-review]").ClickAsync(new());

        Assert.Empty(page.FindAll("[data-testid=policy-diff]"));
        var problem = Assert.Single(page.FindAll("[data-testid=policy-problems] li"));
        Assert.Equal("05 公共设施 的签收时限：特别重大 为 20 分钟，比更低等级的重大（15 分钟）还长；等级越高时限应越短。", problem.TextContent);
    }

    [Fact]
    public async Task Review_EmptiedCell_NamesTheCell()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<PolicyAdmin>();

        page.Find("input[data-cell='07|General|Verify']").Change("");
        await page.Find("[data-testid=policy-review]").ClickAsync(new());

        Assert.Equal("07 民生服务 × 一般 的核查时限为 0 分钟，必须大于 0。", Assert.Single(page.FindAll("[data-testid=policy-problems] li")).TextContent);
    }

    [Fact]
    public async Task Review_FutureEffectiveFrom_ShowsItInTheDiffInCityTime()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<PolicyAdmin>();
        page.Find("input[data-cell='01|General|Acknowledge']").Change("20");

        page.Find("[data-testid=policy-immediately] input, input[data-testid=policy-immediately]").Change(false);
        page.Find("[data-testid=policy-effective]").Change("2026-11-28T10:00");
        await page.Find("[data-testid=policy-review]").ClickAsync(new());

        Assert.Equal("生效时间：2026-11-28 10:00", page.Find("[data-testid=diff-effective]").TextContent);
    }

    [Fact]
    public async Task Review_NotImmediateWithoutATime_AsksForTheTime()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<PolicyAdmin>();
        page.Find("input[data-cell='01|General|Acknowledge']").Change("20");

        page.Find("[data-testid=policy-immediately] input, input[data-testid=policy-immediately]").Change(false);
        await page.Find("[data-testid=policy-review]").ClickAsync(new());

        Assert.Equal("请填写生效时间，或勾选“保存后立即生效”。", Assert.Single(page.FindAll("[data-testid=policy-problems] li")).TextContent);
        Assert.Empty(page.FindAll("[data-testid=policy-diff]"));
    }

    [Fact]
    public async Task BackToEditing_KeepsTheEdits()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<PolicyAdmin>();
        page.Find("input[data-cell='01|General|Acknowledge']").Change("20");
        await page.Find("[data-testid=policy-review]").ClickAsync(new());

        await page.Find("[data-testid=policy-back]").ClickAsync(new());

        Assert.Equal("20", page.Find("input[data-cell='01|General|Acknowledge']").GetAttribute("value"));
    }

    [Fact]
    public async Task TownAdmin_SeesTheVersionsButNoEditor()
    {
        SignedInAs("330188001", "Admin");
        await UseAdminStoreAsync();

        var page = RenderPage<PolicyAdmin>();

        Assert.Single(page.FindAll("[data-testid=policy-version]"));
        Assert.Empty(page.FindAll("[data-testid=policy-editor]"));
        Assert.NotNull(page.Find("[data-testid=policy-city-only]"));
    }
}
