using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
        var seededAsTemplate = settings is null && seedDir is null && (time is null || time.GetUtcNow() == Start);
        time ??= new FakeTimeProvider(Start);
        var engine = Provider == StoreProvider.PostgreSQL ? await PostgreSqlSettingsAsync(dataDir, seededAsTemplate) : new Dictionary<string, string?>();
        if (Provider == StoreProvider.Sqlite && seededAsTemplate && !File.Exists(Path.Combine(dataDir, StoreOptions.StoreFile)))
        {
            CopySqliteTemplate(dataDir);
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir, ["SeedDir"] = seedDir ?? DemoCity.SeedDir, ["Demo:City"] = "true" })
            .AddInMemoryCollection(engine)
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

    /// <summary>
    /// The store's engine for every host of this test process: SQLite unless a test assembly chose PostgreSQL (the
    /// store-level suite runs once on each), or the environment variable <c>CC_TEST_STORE=PostgreSQL</c> says so.
    /// </summary>
    public static StoreProvider Provider { get; set; } =
        Enum.TryParse<StoreProvider>(Environment.GetEnvironmentVariable("CC_TEST_STORE"), ignoreCase: true, out var provider) ? provider : StoreProvider.Sqlite;

    private static readonly SemaphoreSlim _templateGate = new(1, 1);
    private static string? _template;

    private static readonly Lazy<string> SqliteTemplate = new(CreateSqliteTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// A host with the default settings on a new SQLite directory starts from a copy of a store seeded once per test
    /// run (schema migrated, demo city imported), as a server starts on its store after the first start: migrating
    /// and importing the city anew for each of hundreds of hosts cost the suite most of its store set-up time.
    /// </summary>
    private static void CopySqliteTemplate(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        foreach (var file in Directory.GetFiles(SqliteTemplate.Value, StoreOptions.StoreFile + "*"))
        {
            File.Copy(file, Path.Combine(dataDir, Path.GetFileName(file)));
        }
    }

    private static string CreateSqliteTemplate()
    {
        var dir = new TempDirectory("cc-sqlite-template");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => dir.Dispose();
        SeedAsync(dir.Path, new Dictionary<string, string?>()).GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // closes the last connection: SQLite folds the WAL in
        return dir.Path;
    }

    /// <summary>Migrates a store and imports the demo city into it, on the fake clock's start, with nothing else running.</summary>
    private static async Task SeedAsync(string dataDir, IDictionary<string, string?> engine)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir, ["SeedDir"] = DemoCity.SeedDir, ["Demo:City"] = "true" })
            .AddInMemoryCollection(engine)
            .Build();
        await using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(Start))
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddCommandCenterInfrastructure(configuration, dataDir, AppContext.BaseDirectory)
            .BuildServiceProvider();
        await provider.GetRequiredService<StoreInitializer>().InitializeAsync();
    }

    /// <summary>
    /// The settings of a PostgreSQL store for <paramref name="dataDir"/>: its own database on the shared test server.
    /// A host with the default settings starts from a copy of a database seeded once (schema, demo city), as a host
    /// on a seeded SQLite file would; any other starts from an empty database.
    /// </summary>
    private static async Task<Dictionary<string, string?>> PostgreSqlSettingsAsync(string dataDir, bool defaults)
    {
        var server = PostgresServer.Shared;
        var template = defaults ? await TemplateAsync(server) : null;
        var database = await server.DatabaseForAsync(dataDir, template);
        return new() { ["Store:Provider"] = nameof(StoreProvider.PostgreSQL), ["ConnectionStrings:Store"] = server.ConnectionString(database) };
    }

    private static async Task<string> TemplateAsync(PostgresServer server)
    {
        await _templateGate.WaitAsync();
        try
        {
            if (_template is null)
            {
                const string name = "cc_seeded_template";
                await server.CreateAsync(name);
                using var dir = new TempDirectory("cc-template");
                await SeedAsync(dir.Path, new Dictionary<string, string?>
                {
                    ["Store:Provider"] = nameof(StoreProvider.PostgreSQL), ["ConnectionStrings:Store"] = server.ConnectionString(name),
                });
                Npgsql.NpgsqlConnection.ClearAllPools(); // a template is copied only while nobody is connected to it
                _template = name;
            }

            return _template;
        }
        finally
        {
            _templateGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        var store = Services.GetRequiredService<IOptions<StoreOptions>>().Value;
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (store.Provider == StoreProvider.PostgreSQL)
        {
            // Each host has a database of its own, so each its own pool, whose idle connections would otherwise stay
            // open for minutes: hundreds of hosts in one run would use up the test server's connections.
            using var connection = new Npgsql.NpgsqlConnection(store.PostgreSqlConnectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
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
