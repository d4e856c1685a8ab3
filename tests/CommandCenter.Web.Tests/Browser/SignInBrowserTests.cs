using CommandCenter.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
[Trait(TestCategory.Name, TestCategory.Browser)]
public sealed class SignInBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private CommandCenterApp _app = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _app = new CommandCenterApp(_dir.Path, realTime: true);
        _context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Wall_NotSignedIn_RedirectsToTheChineseSignInPage()
    {
        var page = await _context.NewPageAsync();

        await page.GotoAsync(new Uri(_app.BaseAddress, "wall/330188001").ToString());

        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        Assert.Contains("ReturnUrl=%2Fwall%2F330188001", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("[data-testid=signin-submit]")).ToHaveTextAsync("登录");
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsAMessageAndNoStackTrace()
    {
        var page = await _context.NewPageAsync();

        await BrowserTest.SignInAsync(page, _app, "wall", "not-the-password");

        await Expect(page.Locator("[data-testid=signin-error]")).ToHaveTextAsync("用户名或密码错误，请重试。");
        var text = await page.InnerTextAsync("body");
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_AsWallDevice_ReturnsToTheWallAndStaysSignedInForWeeks()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync(new Uri(_app.BaseAddress, "wall").ToString());

        await page.FillAsync("[data-testid=username]", "wall");
        await page.FillAsync("[data-testid=password]", CommandCenter.Web.Access.DemoUsers.Password);
        await page.ClickAsync("[data-testid=signin-submit]");

        await Expect(page.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var cookie = (await _context.CookiesAsync()).Single(c => c.Name == "commandcenter");
        Assert.True(DateTimeOffset.FromUnixTimeSeconds((long)cookie.Expires) > DateTimeOffset.UtcNow.AddDays(20), "the wall's cookie must last for weeks");
    }
}
