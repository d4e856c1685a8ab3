using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using CommandCenter.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Web.Tests;

/// <summary>
/// The real app on a real Kestrel port with a real SQLite file in its own data directory, the simulator off and
/// time from a <see cref="FakeTimeProvider"/>. Several instances can share one data directory, one after another,
/// to test restarts.
/// </summary>
public sealed class CommandCenterApp : WebApplicationFactory<Program>
{
    private readonly string _dataDir;
    private readonly IDictionary<string, string?> _settings;

    private readonly bool _realTime;

    /// <param name="realTime">Keep the system clock (browser tests: the wall's clock and throttle must run by themselves).</param>
    /// <param name="port">A fixed port, so a restarted app is found where the browser left it; 0 picks a free one.</param>
    private HttpClient? _cityReader;

    public CommandCenterApp(string dataDir, FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null, bool realTime = false, int port = 0)
    {
        _dataDir = dataDir;
        _settings = settings ?? new Dictionary<string, string?>();
        _realTime = realTime;
        Time = time ?? new FakeTimeProvider(StoreHost.Start);
        UseKestrel(port);
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public static JsonSerializerOptions Json { get; } = CreateJson();

    public FakeTimeProvider Time { get; }

    public Uri BaseAddress { get; }

    /// <summary>A plain client talking to the real port.</summary>
    public HttpClient Http { get; }

    /// <summary>A client signed in as the city's duty officer, who may read every alert, warning and team.</summary>
    public async Task<HttpClient> CityReaderAsync() => _cityReader ??= await SignedInClientAsync("duty");

    public CommandCenterDbContext NewDbContext() =>
        Services.GetRequiredService<IDbContextFactory<CommandCenterDbContext>>().CreateDbContext();

    /// <summary>The ingestion API key this app accepts for a source (camelCase or PascalCase name).</summary>
    public static string KeyFor(string source) => $"test-key-{source.ToLowerInvariant()}";

    /// <summary>Posts as an outside system: with the API key of the body's <c>source</c> (grid workers' when it has none).</summary>
    public Task<HttpResponseMessage> PostJsonAsync(string path, object body)
    {
        var source = JsonSerializer.SerializeToElement(body, Json) is { ValueKind: JsonValueKind.Object } json
            && json.TryGetProperty("source", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : "gridWorker";
        var known = Enum.GetNames<CommandCenter.Core.Alerts.AlertSource>().Contains(source, StringComparer.OrdinalIgnoreCase);
        return PostJsonAsync(path, body, KeyFor(known ? source : "gridWorker")); // a bad source must reach validation
    }

    /// <summary>A client signed in through the real sign-in form (antiforgery token and all) as a demo user.</summary>
    public async Task<HttpClient> SignedInClientAsync(string userName, string password = CommandCenter.Web.Access.DemoUsers.Password)
    {
        var cookies = await SignInAsync(userName, password);
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
    }

    /// <summary>Signs in through the real sign-in form (antiforgery token and all) and returns the cookies.</summary>
    public async Task<System.Net.CookieContainer> SignInAsync(string userName, string password = CommandCenter.Web.Access.DemoUsers.Password)
    {
        var cookies = new System.Net.CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        var response = await client.PostAsync("/signin", new FormUrlEncodedContent(SignInForm(await client.GetStringAsync("/signin"), userName, password)));
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect && response.StatusCode != System.Net.HttpStatusCode.Found)
        {
            throw new InvalidOperationException($"Sign-in as {userName} failed: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return cookies;
    }

    /// <summary>The fields the sign-in page posts: the user's name and password, and its hidden antiforgery fields.</summary>
    public static Dictionary<string, string> SignInForm(string page, string userName, string password)
    {
        var form = new Dictionary<string, string> { ["Form.UserName"] = userName, ["Form.Password"] = password };
        foreach (System.Text.RegularExpressions.Match hidden in System.Text.RegularExpressions.Regex.Matches(page, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\""))
        {
            form[hidden.Groups[1].Value] = System.Net.WebUtility.HtmlDecode(hidden.Groups[2].Value);
        }

        return form;
    }

    /// <summary>Posts with exactly this API key (none when null).</summary>
    public async Task<HttpResponseMessage> PostJsonAsync(string path, object body, string? apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        if (apiKey is not null)
        {
            request.Headers.Add(CommandCenter.Web.Access.ApiKeys.Header, apiKey);
        }

        return await Http.SendAsync(request);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");

        // Outside Development the host does not read the static web assets manifest by itself; the browser tests need
        // blazor.web.js, MudBlazor and the linked wwwroot-assets served from their build locations.
        builder.UseStaticWebAssets();
        builder.UseShutdownTimeout(TimeSpan.FromSeconds(3)); // an open browser must not hold a test's teardown for long
        builder.UseSetting("Hosting:EndProcessWhenStopped", "false"); // the app's process is the test run's
        builder.UseSetting("DataDir", _dataDir);
        builder.UseSetting("Simulator:Enabled", "false");
        builder.UseSetting("Demo:SeedUsers", "true");
        builder.UseSetting("Demo:City", "true");
        foreach (var source in Enum.GetNames<CommandCenter.Core.Alerts.AlertSource>())
        {
            builder.UseSetting($"Ingestion:ApiKeys:{source}", KeyFor(source));
        }

        // Tests sign in and post from one loopback address far faster than a person or a city would; the rate-limit
        // tests set their own limits.
        builder.UseSetting("RateLimits:SignInPerMinute", "100000");
        builder.UseSetting("RateLimits:IngestPerKeyPerSecond", "100000");
        builder.UseSetting("RateLimits:IngestBurst", "100000");
        if (!_realTime)
        {
            // A fake clock advanced by hours fires a one-second timer once for each second passed: nine hours cost a
            // hub test ~25 s. Tests on the fake clock tell events through RunOnceAsync or the outbox; a scan a minute
            // keeps the loop running and cheap.
            builder.UseSetting("Notifications:ScanInterval", "00:01:00");
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // PBKDF2 at Identity's production cost is ~70 ms per hash: ten demo users per start and a hash per sign-in
        // add up to minutes over the suite. The tests check who may sign in, not the hash's strength.
        builder.ConfigureTestServices(services => services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = 1_000));
        if (!_realTime)
        {
            builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time)));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Http.Dispose();
            _cityReader?.Dispose();
        }

        base.Dispose(disposing);
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HostingExtensions.ConfigureJson(options);
        return options;
    }
}
