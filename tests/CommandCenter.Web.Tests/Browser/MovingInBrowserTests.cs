using System.Text.RegularExpressions;
using CommandCenter.Core.Access;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>
/// A city moving in, in a real browser, on a store with nothing of the demo: the first administrator imports the
/// city's map on the admin page and creates a town's staff user; that user must change the one-time password and
/// then sees only their town's queue; the wall shows the imported city.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MovingInBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private const string AdminPassword = "Jz@Chief2026";
    private const string StaffPassword = "Jz@Staff2026";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Demo:City"] = "false",
        ["Demo:SeedUsers"] = "false",
    };

    [Fact]
    public async Task FirstAdmin_ImportsTheCity_CreatesTownStaff_WhoChangesTheOneTimePassword_AndSeesOnlyTheirTown()
    {
        await CreateFirstAdminAsync();
        var admin = await NewPageAsync();
        await SignInAsync(admin, App, "chief", AdminPassword);

        await admin.GotoAsync(Url("admin"));
        await Expect(admin).ToHaveURLAsync(new Regex("/admin/city$"));
        await Expect(admin.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(admin.Locator("[data-testid=city-none]")).ToBeVisibleAsync();
        await admin.Locator("[data-testid=city-file]").SetInputFilesAsync(CityMaps.PathOf(CityMaps.RiverCity));
        await Expect(admin.Locator("[data-testid=city-summary]")).ToContainTextAsync("grids: 10 (added 10", new() { Timeout = 10_000 });
        await Expect(admin.Locator("[data-testid=city-problem]")).ToHaveCountAsync(1); // the sliver, a warning
        await admin.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "admin-city-dry-run.png"), FullPage = true });
        await admin.Locator("[data-testid=city-apply]").ClickAsync();
        await Expect(admin.Locator("[data-testid=city-report]")).ToContainTextAsync("已导入为第 1 版区划", new() { Timeout = 10_000 });
        await Expect(admin.Locator("[data-testid=city-current]")).ToContainTextAsync("江洲市");

        await admin.GotoAsync(Url("admin/users"));
        await Expect(admin.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await admin.Locator("[data-testid=new-user]").ClickAsync();
        await admin.Locator("input[data-testid=form-username]").FillAsync("staff-jiangbei");
        await admin.Locator("input[data-testid=form-displayname]").FillAsync("江北街道处置员");
        await admin.Locator("[data-testid=form-role]").ClickAsync();
        await admin.GetByRole(AriaRole.Option, new() { Name = "处置员" }).ClickAsync();
        await admin.Locator("input[data-testid=form-node]").FillAsync("江北街道");
        await admin.GetByRole(AriaRole.Option, new() { Name = "江北街道 (440399001)" }).ClickAsync();
        await admin.Locator("[data-testid=form-save]").ClickAsync();
        var oneTime = (await admin.Locator("[data-testid=one-time-value]").TextContentAsync(new() { Timeout = 10_000 }))!.Trim();
        Assert.False(string.IsNullOrEmpty(oneTime));

        await RaiseAsync("jiangbei-1", "440399001001002"); // 江北街道
        await RaiseAsync("hekou-1", "440399002001001");    // 河口镇: not the staff user's town

        var staff = await NewPageAsync();
        await SignInAsync(staff, App, "staff-jiangbei", oneTime);
        await staff.GotoAsync(Url("console"));
        await Expect(staff.Locator("[data-testid=must-change]")).ToBeVisibleAsync(new() { Timeout = 10_000 }); // held at /account
        await staff.Locator("[data-testid=current-password]").FillAsync(oneTime);
        await staff.Locator("[data-testid=new-password]").FillAsync(StaffPassword);
        await staff.Locator("[data-testid=repeat-password]").FillAsync(StaffPassword);
        await staff.Locator("[data-testid=change-password]").ClickAsync();
        await staff.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await staff.GotoAsync(Url("console"));
        await Expect(staff.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(staff.Locator("[data-testid=queue-row]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Expect(staff.Locator("[data-testid=queue-row]")).ToContainTextAsync("江北街道");
        await staff.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "moving-in-console.png") });

        await admin.GotoAsync(Url("wall"));
        await Expect(admin.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(admin.Locator("[data-testid=scope]")).ToContainTextAsync("江洲市");
        await Expect(admin.Locator("[data-grid]")).ToHaveCountAsync(10);
        await Expect(admin.Locator(".wall-header .title")).ToContainTextAsync("江洲市城市运行指挥中心");
        await admin.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "moving-in-wall.png") });
    }

    private string Url(string path) => new Uri(App.BaseAddress, path).ToString();

    private async Task CreateFirstAdminAsync()
    {
        using var scope = App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CommandCenterUser>>();
        var chief = new CommandCenterUser { UserName = "chief", DisplayName = "市管理员", NodeCode = CommandCenterUser.WholeCity };
        Assert.True((await users.CreateAsync(chief, AdminPassword)).Succeeded);
        Assert.True((await users.AddToRoleAsync(chief, nameof(Role.Admin))).Succeeded);
    }

    private async Task RaiseAsync(string externalId, string grid)
    {
        var response = await App.PostJsonAsync("/api/v1/alerts",
            AlertRequests.Valid(externalId, grid).With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O")));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
