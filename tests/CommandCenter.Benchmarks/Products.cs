namespace CommandCenter.Benchmarks;

/// <summary>
/// Starts the product for a step. A full run gives each step a fresh product (fresh store, nothing left from the
/// step before); a smoke run shares one, since each start costs seconds and the smoke run is about the harness.
/// </summary>
public sealed class Products(BenchSettings settings) : IAsyncDisposable
{
    /// <summary>
    /// The merge window at its shortest (1 s): the load steps send each (grid, category) pair again only after
    /// thousands of alerts, so with it nothing merges whatever the rate. Everything else is the product's default.
    /// </summary>
    private static readonly Dictionary<string, string> Settings = new(StringComparer.Ordinal) { ["Alerts:MergeWindow"] = "00:00:01" };

    private ServerProcess? _shared;

    public async Task<ProductLease> StartAsync()
    {
        if (!settings.Smoke)
        {
            return new ProductLease(await ServerProcess.StartProductAsync(Settings), owned: true);
        }

        _shared ??= await ServerProcess.StartProductAsync(Settings);
        return new ProductLease(_shared, owned: false);
    }

    /// <summary>Always a product of its own, with these settings on top of the harness's (a step that needs another city).</summary>
    public static async Task<ProductLease> StartOwnAsync(IReadOnlyDictionary<string, string> extra)
    {
        var merged = new Dictionary<string, string>(Settings, StringComparer.Ordinal);
        foreach (var (key, value) in extra)
        {
            merged[key] = value;
        }

        return new ProductLease(await ServerProcess.StartProductAsync(merged), owned: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
        }
    }
}

/// <summary>A product for one step; stopped at the end of the step unless shared.</summary>
public sealed class ProductLease(ServerProcess server, bool owned) : IAsyncDisposable
{
    public ServerProcess Server => server;

    public ValueTask DisposeAsync() => owned ? server.DisposeAsync() : ValueTask.CompletedTask;
}
