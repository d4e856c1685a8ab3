using CommandCenter.Core.Feed;
using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Metrics.InfluxDB;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommandCenter.Testing;

/// <summary>
/// The metric port wired as the app wires it (<c>AddCommandCenterInfrastructure</c> with the given settings) and its
/// background services running — the batch writer, the InfluxDB delivery loop when <c>Metrics:Store</c> is
/// InfluxDB, and the feed recorder (on the given feed, if any) — on a data directory that outlives the host, so a second host on it is an app restart.
/// </summary>
public sealed class MetricsHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _running;
    private bool _started;
    private bool _stopped;

    private MetricsHost(ServiceProvider services, List<IHostedService> running)
    {
        _services = services;
        _running = running;
    }

    public IMetricWriter Writer => Get<IMetricWriter>();

    public IMetricReader Reader => Get<IMetricReader>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The metric background services this host runs, in registration order (what the app would start).</summary>
    public IReadOnlyList<Type> ServiceTypes => [.. _running.Select(s => s.GetType())];

    /// <summary>Settings for the InfluxDB adapter against <paramref name="server"/>, quick to flush and to retry.</summary>
    public static Dictionary<string, string?> InfluxSettings(InfluxServer server, string database) => new()
    {
        ["Metrics:Store"] = "InfluxDB",
        ["Metrics:InfluxDB:Url"] = server.Url.ToString(),
        ["Metrics:InfluxDB:Database"] = database,
        ["Metrics:InfluxDB:MaxRetryDelay"] = "00:00:00.500",
        ["Metrics:InfluxDB:Timeout"] = "00:00:05",
        ["Metrics:FlushInterval"] = "00:00:00.100",
    };

    /// <summary>The embedded store, quick to flush.</summary>
    public static Dictionary<string, string?> EmbeddedSettings() => new()
    {
        ["Metrics:Store"] = "Embedded",
        ["Metrics:FlushInterval"] = "00:00:00.050",
    };

    /// <summary>Builds the services, validates the options as start-up would, and (unless <paramref name="start"/> is false) starts the metric background services.</summary>
    public static async Task<MetricsHost> StartAsync(
        string dataDir, IDictionary<string, string?> settings, TimeProvider? time = null, bool start = true, ILiveFeed? feed = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir, ["SeedDir"] = DemoCity.SeedDir, ["Demo:City"] = "true" })
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection()
            .AddSingleton(time ?? TimeProvider.System)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddCommandCenterInfrastructure(configuration, dataDir, AppContext.BaseDirectory);
        services.Replace(ServiceDescriptor.Singleton(DemoCity.Reference())); // loaded, as the store initializer would
        if (feed is not null)
        {
            services.Replace(ServiceDescriptor.Singleton(feed));
        }

        // Only the metric services, as registered: the other hosted services (Quartz, simulator…) need a real host.
        var metricServices = services
            .Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType is { } type && (type == typeof(MetricWriterService) || type == typeof(InfluxDeliveryService) || type == typeof(FeedMetricsRecorder)))
            .Select(d => d.ImplementationType!)
            .ToList();
        var provider = services.BuildServiceProvider();
        try
        {
            var options = provider.GetRequiredService<IOptions<MetricsOptions>>().Value; // what ValidateOnStart would refuse
            if (options.UsesInfluxDB)
            {
                // The outbox takes its writer number from the store the first time it sends, as the app's does.
                await using var db = await provider.GetRequiredService<IDbContextFactory<CommandCenterDbContext>>().CreateDbContextAsync();
                await db.Database.MigrateAsync();
            }

            var metrics = metricServices.Select(type => (IHostedService)ActivatorUtilities.CreateInstance(provider, type)).ToList();
            var host = new MetricsHost(provider, metrics);
            if (start)
            {
                await host.StartServicesAsync();
            }

            return host;
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the background services (for a host built with <c>start: false</c>).</summary>
    public async Task StartServicesAsync()
    {
        if (_started)
        {
            throw new InvalidOperationException("The metric services are already started.");
        }

        _started = true;
        foreach (var service in _running)
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    /// <summary>Waits until the writer reports nothing pending (everything written to the store).</summary>
    public async Task WaitUntilCaughtUpAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (Writer.Lag.PendingPoints > 0)
        {
            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"Still {Writer.Lag.Describe()} after {timeout ?? TimeSpan.FromSeconds(30)}; last error: {Writer.Lag.LastError}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>Stops the background services as the host would at shutdown (the writer drains its buffer).</summary>
    public async Task StopAsync()
    {
        if (_stopped || !_started)
        {
            return;
        }

        _stopped = true;
        foreach (var service in Enumerable.Reverse(_running))
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var service in _running.OfType<IDisposable>())
        {
            service.Dispose();
        }

        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
