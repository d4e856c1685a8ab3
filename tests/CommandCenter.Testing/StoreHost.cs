using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Testing;

/// <summary>
/// The infrastructure wired as the app wires it — real SQLite file in a data directory, real seeds — with a
/// <see cref="FakeTimeProvider"/> and optionally a <see cref="RecordingFeed"/>. No web host, no hosted services.
/// </summary>
public sealed class StoreHost : IAsyncDisposable
{
    private StoreHost(ServiceProvider services, FakeTimeProvider time)
    {
        Services = services;
        Time = time;
    }

    /// <summary>A fixed, realistic "now": 2026-11-27 10:00 Beijing time.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public CommandCenterDbContext NewDbContext() => Get<IDbContextFactory<CommandCenterDbContext>>().CreateDbContext();

    /// <summary>Builds and initialises (migrate, seed, load) a store in <paramref name="dataDir"/>.</summary>
    public static async Task<StoreHost> StartAsync(
        string dataDir,
        FakeTimeProvider? time = null,
        ILiveFeed? feed = null,
        IDictionary<string, string?>? settings = null,
        string? seedDir = null,
        Action<IServiceCollection>? configure = null)
    {
        time ??= new FakeTimeProvider(Start);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir, ["SeedDir"] = seedDir ?? DemoCity.SeedDir, ["Demo:City"] = "true" })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddCommandCenterInfrastructure(configuration, dataDir, AppContext.BaseDirectory);
        if (feed is not null)
        {
            services.Replace(ServiceDescriptor.Singleton(feed));
        }

        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<StoreInitializer>().InitializeAsync();
        return new StoreHost(provider, time);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

/// <summary>Query words for tests reading the audit trail.</summary>
public static class AuditQueries
{
    /// <summary>
    /// Entries an operation wrote, without the store's own set-up: importing the demo city leaves a division entry
    /// in every fresh store.
    /// </summary>
    public static IQueryable<Core.Audit.AuditEntry> ExceptSetUp(this IQueryable<Core.Audit.AuditEntry> entries) =>
        entries.Where(e => e.Subject != Core.Audit.AuditSubject.Division);
}
