using CommandCenter.Testing;
using Microsoft.Playwright;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>
/// One app on a real port with the real clock, and browser contexts that are closed before the app stops (an open
/// circuit would hold the server's graceful shutdown).
/// </summary>
[Trait(TestCategory.Name, TestCategory.Browser)]
public abstract class BrowserTest(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly List<IBrowserContext> _contexts = [];

    protected CommandCenterApp App { get; private set; } = null!;

    protected BrowserFixture Browser { get; } = browser;

    /// <summary>Settings of the app under test beyond the test defaults (the demo city and demo users).</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public Task InitializeAsync()
    {
        // The seeded store is the default city's; a test with its own settings (another city, none) starts from empty.
        var settings = Settings;
        App = new CommandCenterApp(settings is null ? SeededStore.CopyInto(_dir.Path) : _dir.Path, realTime: true, settings: settings);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        await App.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>Signs in through the real sign-in page as a demo user.</summary>
    internal static async Task SignInAsync(IPage page, CommandCenterApp app, string userName, string password = CommandCenter.Web.Access.DemoUsers.Password)
    {
        await page.GotoAsync(new Uri(app.BaseAddress, "signin").ToString());
        await page.FillAsync("[data-testid=username]", userName);
        await page.FillAsync("[data-testid=password]", password);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>A new page signed in as <paramref name="user"/> on <paramref name="path"/>, by default once its circuit is live.</summary>
    protected async Task<IPage> PageAsync(string user, string path, bool waitForLive = true)
    {
        var page = await NewPageAsync();
        await SignInAsync(page, App, user);
        await page.GotoAsync(new Uri(App.BaseAddress, path).ToString());
        if (waitForLive)
        {
            await Assertions.Expect(page.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        }

        return page;
    }

    protected async Task<IPage> NewPageAsync(int width = 1920, int height = 1080)
    {
        var context = await Browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        _contexts.Add(context);
        return await context.NewPageAsync();
    }
}
