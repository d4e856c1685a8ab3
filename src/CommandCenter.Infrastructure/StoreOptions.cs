namespace CommandCenter.Infrastructure;

/// <summary>The engine of the operational store (setting <c>Store:Provider</c>).</summary>
public enum StoreProvider
{
    /// <summary>One SQLite file in the data directory: the embedded default for one machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (<c>ConnectionStrings:Store</c>), which several app servers can share.</summary>
    PostgreSQL,
}

/// <summary>
/// Where state lives. <see cref="DataDir"/> holds everything that must survive a restart on this machine; with
/// <see cref="StoreProvider.PostgreSQL"/> the operational store is the database <see cref="PostgreSqlConnectionString"/> names.
/// </summary>
public sealed class StoreOptions
{
    /// <summary>The files of the data directory that hold state (logs are not state): named once, for backup and restore.</summary>
    public const string StoreFile = "commandcenter.db", JobsFile = "jobs.db", MetricsFile = "metrics.db";

    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>The setting <c>ConnectionStrings:Store</c>: the PostgreSQL database (unused with SQLite).</summary>
    public string? PostgreSqlConnectionString { get; set; }

    /// <summary>The data directory: the SQLite store, the job store (<c>jobs.db</c>) and the metric store or outbox (<c>metrics.db</c>).</summary>
    public required string DataDir { get; set; }

    /// <summary>The folder holding city.geojson, teams.json, categories.json and policies.json.</summary>
    public required string SeedDir { get; set; }

    /// <summary>
    /// Load the demo city and its teams from the seeds (setting <c>Demo:City</c>; on in Development). Categories and the
    /// starting escalation policy are the product's defaults and are loaded into every new store.
    /// </summary>
    public bool SeedDemoCity { get; set; }

    /// <summary>
    /// Load the demo duty rosters from seeds/duty.json (setting <c>Demo:DutyRosters</c>; on in Development) for the
    /// nodes that exist and keep none yet, so a demo wall names who is on duty from the first start.
    /// </summary>
    public bool SeedDemoDutyRosters { get; set; }

    public string DatabasePath => Path.Combine(DataDir, StoreFile);

    /// <summary>The <c>DataDir</c> setting as a full path: relative paths are under the content root; default <c>App_Data</c>.</summary>
    public static string ResolveDataDir(Microsoft.Extensions.Configuration.IConfiguration configuration, string contentRoot) =>
        Path.GetFullPath(configuration["DataDir"] is { Length: > 0 } dir ? dir : "App_Data", contentRoot);

    /// <summary>The setting <c>Store:Provider</c>; a value that names no engine reads as an undefined one, which validation refuses.</summary>
    public static StoreProvider ProviderIn(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        Enum.TryParse<StoreProvider>(configuration["Store:Provider"] ?? nameof(StoreProvider.Sqlite), ignoreCase: true, out var engine) && Enum.IsDefined(engine)
            ? engine
            : (StoreProvider)(-1);

    /// <summary>The SQLite store's connection string.</summary>
    public string ConnectionString => $"Data Source={DatabasePath};Cache=Private;Pooling=True;Default Timeout={Persistence.LockWaits.Seconds}";
}

/// <summary>Rules for merging repeated reports (setting <c>Alerts:MergeWindow</c>).</summary>
public sealed class AlertOptions
{
    /// <summary>A report of the same category in the same grid this soon after an open alert's latest report merges into it.</summary>
    public TimeSpan MergeWindow { get; set; } = TimeSpan.FromMinutes(30);
}
