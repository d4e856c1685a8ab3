using CommandCenter.Testing;
using Microsoft.Playwright;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>
/// One app on a real port with the real clock, and browser contexts that are closed before the app stops (an open
/// circuit would hold the server's graceful shutdown).
/// </summary>
public abstract class BrowserTest(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly List<IBrowserContext> _contexts = [];

    protected CommandCenterApp App { get; private set; } = null!;

    protected BrowserFixture Browser { get; } = browser;

    public Task InitializeAsync()
    {
        App = new CommandCenterApp(_dir.Path, realTime: true);
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

    protected async Task<IPage> NewPageAsync(int width = 1920, int height = 1080)
    {
        var context = await Browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        _contexts.Add(context);
        return await context.NewPageAsync();
    }
}
