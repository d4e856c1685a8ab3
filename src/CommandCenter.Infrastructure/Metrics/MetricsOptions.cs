using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Metrics;

/// <summary>Settings of the metric store (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string EmbeddedStore = "Embedded";

    public const string InfluxDBStore = "InfluxDB";

    /// <summary><c>Metrics:Store</c>: <c>Embedded</c> (SQLite in the data directory, no server needed) or <c>InfluxDB</c>.</summary>
    public string Store { get; set; } = EmbeddedStore;

    public InfluxDbOptions InfluxDB { get; set; } = new();

    /// <summary>A batch is written when it holds this many points… (<c>Metrics:BatchSize</c>; InfluxData advises ~5,000 lines.)</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>…or when its first point has waited this long (<c>Metrics:FlushInterval</c>).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Points held in memory before writers spill straight to durable storage (<c>Metrics:BufferCapacity</c>).</summary>
    public int BufferCapacity { get; set; } = 100_000;

    public bool UsesInfluxDB => string.Equals(Store, InfluxDBStore, StringComparison.OrdinalIgnoreCase);

    public bool UsesEmbedded => string.Equals(Store, EmbeddedStore, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Where InfluxDB listens and how to sign in (section <c>Metrics:InfluxDB</c>). Only the v1-compatible HTTP API
/// (<c>/write</c>, <c>/query</c>, <c>/ping</c>) is used, which InfluxDB 1.x, 2.x and 3.x all serve.
/// </summary>
public sealed class InfluxDbOptions
{
    /// <summary>The server, e.g. <c>http://localhost:8086</c> (a path prefix behind a proxy is kept).</summary>
    public string? Url { get; set; }

    /// <summary>The database (1.x), or the database name mapped to a bucket (2.x DBRP, 3.x).</summary>
    public string Database { get; set; } = "commandcenter";

    /// <summary>1.x: user name, sent with <see cref="Password"/> as HTTP Basic authentication.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>2.x/3.x: an API token, sent as <c>Authorization: Token …</c>. With a token the database is not created (2.x/3.x have no CREATE DATABASE).</summary>
    public string? Token { get; set; }

    /// <summary>Retries after a failed write wait 0.5 s, 1 s, 2 s… up to this (<c>Metrics:InfluxDB:MaxRetryDelay</c>).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one request may take before it counts as failed (<c>Metrics:InfluxDB:Timeout</c>).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// An outbox not heard from for this long gives up its writer number to a new one (<c>Metrics:InfluxDB:WriterLease</c>);
    /// if it comes back it takes a free number before it sends again.
    /// </summary>
    public TimeSpan WriterLease { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The URL as validated: absolute http(s), ending in a slash so relative paths keep a proxy prefix.</summary>
    public Uri BaseUri => new(Url!.EndsWith('/') ? Url : Url + "/");

    /// <summary>1.x creates the database on first use; 2.x/3.x (token) need it mapped beforehand.</summary>
    public bool CreatesDatabase => string.IsNullOrEmpty(Token);
}

/// <summary>Refuses bad metric settings at start, naming the setting and what would be right.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();
        if (!options.UsesEmbedded && !options.UsesInfluxDB)
        {
            errors.Add($"Metrics:Store must be {MetricsOptions.EmbeddedStore} or {MetricsOptions.InfluxDBStore}, not '{options.Store}'.");
        }

        if (options.BatchSize is < 1 or > 50_000)
        {
            errors.Add($"Metrics:BatchSize must be between 1 and 50000, not {options.BatchSize}.");
        }

        if (options.FlushInterval <= TimeSpan.Zero || options.FlushInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Metrics:FlushInterval must be more than 0 and at most 00:01:00, not {options.FlushInterval}.");
        }

        if (options.BufferCapacity < 1)
        {
            errors.Add($"Metrics:BufferCapacity must be at least 1, not {options.BufferCapacity}.");
        }

        if (options.UsesInfluxDB)
        {
            ValidateInfluxDB(options.InfluxDB, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateInfluxDB(InfluxDbOptions influx, List<string> errors)
    {
        if (!Uri.TryCreate(influx.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            errors.Add($"Metrics:InfluxDB:Url must be an absolute http or https URL such as http://localhost:8086 (Metrics:Store is InfluxDB), not '{influx.Url}'.");
        }

        if (string.IsNullOrWhiteSpace(influx.Database))
        {
            errors.Add("Metrics:InfluxDB:Database must name the database, e.g. commandcenter.");
        }

        if (string.IsNullOrEmpty(influx.Username) != string.IsNullOrEmpty(influx.Password))
        {
            errors.Add("Metrics:InfluxDB:Username and Metrics:InfluxDB:Password go together: set both (InfluxDB 1.x with authentication) or neither.");
        }

        if (!string.IsNullOrEmpty(influx.Token) && !string.IsNullOrEmpty(influx.Username))
        {
            errors.Add("Set either Metrics:InfluxDB:Token (InfluxDB 2.x/3.x) or Metrics:InfluxDB:Username and Password (1.x), not both.");
        }

        if (influx.MaxRetryDelay < TimeSpan.FromMilliseconds(100) || influx.MaxRetryDelay > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Metrics:InfluxDB:MaxRetryDelay must be between 00:00:00.1 and 00:10:00, not {influx.MaxRetryDelay}.");
        }

        if (influx.Timeout < TimeSpan.FromMilliseconds(100) || influx.Timeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Metrics:InfluxDB:Timeout must be between 00:00:00.1 and 00:05:00, not {influx.Timeout}.");
        }
    }
}
