using Microsoft.Playwright;

namespace CommandCenter.Benchmarks;

/// <summary>Debian's Chromium (tests/run.sh installs it), headless, driven by Playwright; one browser, many contexts.</summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"The wall steps need Debian's Chromium at {ExecutablePath}; tests/run.sh installs it (apt-get install -y chromium).");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>Signs in once through the real sign-in page and returns the session (cookie) for new contexts.</summary>
    public async Task<string> SignInAsync(Uri baseAddress, string userName)
    {
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(baseAddress, "signin").ToString());
        await page.FillAsync("[data-testid=username]", userName);
        await page.FillAsync("[data-testid=password]", CommandCenter.Web.Access.DemoUsers.Password);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return await context.StorageStateAsync();
    }

    /// <summary>A 1080p context carrying the signed-in session.</summary>
    public Task<IBrowserContext> NewWallContextAsync(string session) => Browser.NewContextAsync(new()
    {
        StorageState = session,
        ViewportSize = new() { Width = 1920, Height = 1080 },
    });

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
