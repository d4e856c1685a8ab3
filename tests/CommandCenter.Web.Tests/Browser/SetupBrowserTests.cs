using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>The setup pages in a real browser, as the city administrator: MudBlazor's pickers and the map's clicks end to end.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SetupBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Teams_CreateWithAPositionPickedOnTheMap_ListsTheTeamInsideItsHome()
    {
        var page = await PageAsync("admin", "admin/teams");
        await Expect(page.Locator("[data-testid=team-row]")).ToHaveCountAsync(60);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "admin-teams.png") });

        await page.Locator("[data-testid=team-create]").ClickAsync();
        await page.Locator("input[data-testid=team-name]").FillAsync("湖滨应急队");
        await page.Locator("[data-testid=team-type]").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "医疗卫生" }).ClickAsync();
        await page.Locator("input[data-testid=team-node]").FillAsync("湖滨街道");
        await page.GetByRole(AriaRole.Option, new() { Name = "湖滨街道 (330188001)" }).ClickAsync();
        await page.Locator("input[data-testid=member-name]").FillAsync("张伟");
        await page.Locator("[data-testid=member-role]").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "志愿者" }).ClickAsync();
        var surface = page.Locator("[data-testid=picker-surface]");
        var box = (await surface.BoundingBoxAsync())!;
        await surface.ClickAsync(new() { Position = new() { X = box.Width / 2, Y = box.Height / 2 } });
        await Expect(page.Locator("[data-testid=picked-point]")).ToHaveClassAsync("picked");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "admin-team-form.png"), FullPage = true });
        await page.Locator("[data-testid=team-save]").ClickAsync();

        await Expect(page.Locator("[data-testid=teams-message]")).ToContainTextAsync("TM-061", new() { Timeout = 5000 });
        await using var db = App.NewDbContext();
        var team = await db.Teams.SingleAsync(t => t.Code == "TM-061");
        Assert.StartsWith("330188001", App.Services.GetRequiredService<Infrastructure.ReferenceData>().Map.ResolveGrid(team.Latitude!.Value, team.Longitude!.Value)!.Code, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_ChangeACellReviewAndConfirm_SavesVersion2()
    {
        var page = await PageAsync("admin", "admin/policy");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "admin-policy.png") });

        await page.Locator("input[data-cell='01|General|Acknowledge']").FillAsync("20");
        await page.Locator("input[data-cell='01|General|Acknowledge']").BlurAsync();
        await page.Locator("[data-testid=policy-review]").ClickAsync();
        await Expect(page.Locator("[data-testid=diff-cell]")).ToHaveCountAsync(1, new() { Timeout = 5000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "admin-policy-diff.png"), FullPage = true });
        await page.Locator("[data-testid=policy-confirm]").ClickAsync();

        await Expect(page.Locator("[data-testid=policy-message]")).ToContainTextAsync("v2", new() { Timeout = 5000 });
        await Expect(page.Locator("[data-testid=policy-version]")).ToHaveCountAsync(2);
    }
}
