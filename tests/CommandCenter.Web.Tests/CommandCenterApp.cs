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

    public CommandCenterApp(string dataDir, FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        _dataDir = dataDir;
        _settings = settings ?? new Dictionary<string, string?>();
        Time = time ?? new FakeTimeProvider(StoreHost.Start);
        UseKestrel(0);
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public static JsonSerializerOptions Json { get; } = CreateJson();

    public FakeTimeProvider Time { get; }

    public Uri BaseAddress { get; }

    /// <summary>A plain client talking to the real port.</summary>
    public HttpClient Http { get; }

    public CommandCenterDbContext NewDbContext() =>
        Services.GetRequiredService<IDbContextFactory<CommandCenterDbContext>>().CreateDbContext();

    public async Task<HttpResponseMessage> PostJsonAsync(string path, object body) =>
        await Http.PostAsJsonAsync(path, body, Json);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("DataDir", _dataDir);
        builder.UseSetting("Simulator:Enabled", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time)));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Http.Dispose();
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
