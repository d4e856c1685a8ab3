using CommandCenter.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>
/// Every page works under its Content-Security-Policy: the browser reports no violation while the page loads, its
/// circuit goes live (blazor.web.js, MudBlazor's script and the import map ran) and a live change arrives.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    // Registered before any page script runs; the browser raises the event for each blocked load or inline script.
    private const string CollectViolations = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e =>
            window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
        """;

    // One signed-in page per user, led through that user's pages: a fresh app and sign-in per page would cost the
    // serial browser run a minute.
    [Fact]
    public async Task EveryPage_GoesLiveWithoutAnyPolicyViolation()
    {
        (string User, string[] Paths)[] tour =
        [
            ("duty", ["wall", "wall/330188001"]),
            ("staff-hubin", ["console"]),
            ("leader", ["hotspots", "supervision"]),
            ("admin", ["admin/users", "admin/users/import", "admin/city", "admin/teams", "admin/policy", "admin/api-keys", "admin/audit"]),
        ];
        var problems = new List<string>();
        foreach (var (user, paths) in tour)
        {
            var page = await NewPageAsync();
            var console = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                {
                    console.Add(message.Text);
                }
            };
            await page.Context.AddInitScriptAsync(CollectViolations);
            await SignInAsync(page, App, user);
            foreach (var path in paths)
            {
                var response = await page.GotoAsync(new Uri(App.BaseAddress, path).ToString());

                Assert.Contains("script-src 'self' 'nonce-", await response!.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
                await Expect(page.Locator("[data-circuit=live]").First).ToBeVisibleAsync(new() { Timeout = 10_000 });
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                problems.AddRange((await page.EvaluateAsync<string[]>("window.__cspViolations")).Select(v => $"{path} as {user}: {v}"));
                problems.AddRange(console.Select(c => $"{path} as {user}: {c}"));
                console.Clear();
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task Wall_UnderThePolicy_ReceivesALiveChange()
    {
        var page = await NewPageAsync();
        await page.Context.AddInitScriptAsync(CollectViolations);
        await SignInAsync(page, App, "wall");
        await page.GotoAsync(new Uri(App.BaseAddress, "wall").ToString());
        await Expect(page.Locator("[data-circuit=live]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(page.Locator("[data-testid=kpi-Open] .kpi-value")).ToHaveTextAsync("0");

        (await App.PostJsonAsync("/api/v1/alerts", Api.AlertRequests.Valid("csp-live", DemoCity.GridCode(3, 1, 2)))).EnsureSuccessStatusCode();

        await Expect(page.Locator("[data-testid=kpi-Open] .kpi-value")).ToHaveTextAsync("1", new() { Timeout = 5_000 });
        Assert.Empty(await page.EvaluateAsync<string[]>("window.__cspViolations"));
    }
}
