using Microsoft.Playwright;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright (tests/run.sh installs it). A missing browser fails the tests loudly:
/// they never skip.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/screenshots at the repository root (kept by CI as artifacts).</summary>
    public static string ScreenshotDir { get; } = CreateScreenshotDir();

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Browser tests need Debian's Chromium at {ChromiumPath}; run tests/run.sh, which installs it.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    private static string CreateScreenshotDir()
    {
        var path = Path.Combine(CommandCenter.Testing.RepositoryPaths.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>Browser tests run one after another and alone: their 2-second budgets are about the product, not a busy test machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
