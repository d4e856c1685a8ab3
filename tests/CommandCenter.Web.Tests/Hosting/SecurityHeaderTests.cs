using System.Net;
using System.Text.RegularExpressions;
using CommandCenter.Testing;
using CommandCenter.Web.Hosting;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>What a security review checks first on every response: the policy, framing, sniffing, referrers, cookies.</summary>
public sealed partial class SecurityHeaderTests : IClassFixture<SharedApp>
{
    private readonly CommandCenterApp _app;

    public SecurityHeaderTests(SharedApp shared) => _app = shared.App;

    [Fact]
    public async Task Page_HasAPolicyWhoseNonceIsTheImportMapsAndNoUnsafeScript()
    {
        using var response = await _app.Http.GetAsync("/signin");
        var html = await response.Content.ReadAsStringAsync();

        var policy = Directives(Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        var nonce = ImportMapNonce().Match(html).Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Equal(["'self'", $"'nonce-{nonce}'"], policy["script-src"]);
        Assert.Equal(["'self'"], policy["default-src"]);
        Assert.Equal(["'none'"], policy["object-src"]);
        Assert.Equal(["'self'"], policy["base-uri"]);
        Assert.Equal(["'self'"], policy["form-action"]);
        Assert.Equal(["'none'"], policy["frame-ancestors"]);
        Assert.DoesNotContain(policy.Values.SelectMany(v => v), source => source.Contains("unsafe-eval", StringComparison.Ordinal));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task EachPage_GetsANonceOfItsOwn()
    {
        var first = ImportMapNonce().Match(await _app.Http.GetStringAsync("/signin")).Groups[1].Value;
        var second = ImportMapNonce().Match(await _app.Http.GetStringAsync("/signin")).Groups[1].Value;

        Assert.NotEqual(first, second);
        Assert.True(Convert.FromHexString(first).Length >= 16, "a nonce of at least 128 random bits");
    }

    [Theory]
    [InlineData("/signin")]
    [InlineData("/api/v1/hierarchy")]
    [InlineData("/healthz")]
    public async Task EveryResponse_ForbidsSniffingAndLimitsReferrersAndDevices(string path)
    {
        var client = await _app.CityReaderAsync();
        using var response = await client.GetAsync(path);

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var permissions = Assert.Single(response.Headers.GetValues("Permissions-Policy"));
        Assert.Contains("camera=()", permissions, StringComparison.Ordinal);
        Assert.Contains("microphone=()", permissions, StringComparison.Ordinal);
        Assert.Contains("geolocation=()", permissions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiAnswer_CarriesNoPagePolicy()
    {
        var client = await _app.CityReaderAsync();
        using var response = await client.GetAsync("/api/v1/hierarchy");

        response.EnsureSuccessStatusCode();
        Assert.False(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task OverHttpsThroughTheKnownProxy_CookiesAreSecureAndHttpOnly_AndHstsIsSent()
    {
        using var dir = new TempDirectory();
        await using var app = new CommandCenterApp(SeededStore.CopyInto(dir.Path), settings: new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownProxies"] = "127.0.0.1",
        });
        // Cookies by hand: a cookie container would (rightly) not send Secure cookies back over the test's plain HTTP.
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-Host", "cc.city.example");

        using var page = await client.GetAsync("/signin?culture=en");
        var form = CommandCenterApp.SignInForm(await page.Content.ReadAsStringAsync(), "duty", Access.DemoUsers.Password);

        using var post = new HttpRequestMessage(HttpMethod.Post, "/signin") { Content = new FormUrlEncodedContent(form) };
        post.Headers.Add("Cookie", string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        using var signIn = await client.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var setCookies = page.Headers.GetValues("Set-Cookie").Concat(signIn.Headers.GetValues("Set-Cookie")).ToList();
        Assert.Contains(setCookies, c => c.StartsWith("commandcenter=", StringComparison.Ordinal));
        Assert.Contains(setCookies, c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        Assert.Contains(setCookies, c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.All(setCookies, cookie =>
        {
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains(attributes, a => a.StartsWith("samesite=", StringComparison.Ordinal));
        });
        Assert.StartsWith("max-age=31536000", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverPlainHttp_NoHstsAndCookiesAreNotMarkedSecure()
    {
        using var client = new HttpClient { BaseAddress = _app.BaseAddress };
        using var page = await client.GetAsync("/signin?culture=en");

        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
        Assert.All(page.Headers.GetValues("Set-Cookie"), cookie => Assert.DoesNotContain("secure", cookie.ToLowerInvariant().Split(';', StringSplitOptions.TrimEntries)));
    }

    [Fact]
    public async Task FrameAncestorsSetting_AllowsTheNamedPortal()
    {
        using var dir = new TempDirectory();
        await using var app = new CommandCenterApp(SeededStore.CopyInto(dir.Path), settings: new Dictionary<string, string?>
        {
            ["Security:FrameAncestors:0"] = "https://portal.city.example",
            ["Security:FrameAncestors:1"] = "'self'",
        });

        using var response = await app.Http.GetAsync("/signin");

        var policy = Directives(Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal(["https://portal.city.example", "'self'"], policy["frame-ancestors"]);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
    }

    [Theory]
    [InlineData("portal.city.example")]
    [InlineData("https://*.city.example")]
    [InlineData("https://portal.city.example/walls")]
    [InlineData("javascript:alert(1)")]
    public void FrameAncestorsThatAreNotOrigins_StopStartUpNamingTheSetting(string value)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder([$"--Security:FrameAncestors:0={value}"]);
        builder.AddCommandCenter();
        using var app = builder.Build();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>(app.Services).Value);
        Assert.Contains("Security:FrameAncestors", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string[]> Directives(string policy) => policy
        .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(directive => directive.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .ToDictionary(parts => parts[0], parts => parts[1..], StringComparer.Ordinal);

    [GeneratedRegex("<script type=\"importmap\" nonce=\"([^\"]+)\"")]
    private static partial Regex ImportMapNonce();
}
