using System.Globalization;
using System.Net;
using CommandCenter.Testing;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Goals: two servers on PostgreSQL + Redis sustain at least 1.6× the ingest rate of one server on PostgreSQL, and
/// p99 ingest → hub across servers is at most 100 ms at 200 alerts/s with 500 clients split over both. Side by side in
/// one run, each on a fresh store: one server on SQLite (the embedded default), one on PostgreSQL, two on PostgreSQL
/// with Redis carrying the live feed and the hub between them. With two, alerts go to each server in turn and the
/// listeners are split, so half of what every listener receives was posted to the other server. PostgreSQL runs with
/// its default durability (fsync, synchronous commit) and Redis on loopback, on the same machine as the servers and
/// the load, as the rest of this harness does.
/// </summary>
public sealed class ServersBenchmark(BenchSettings settings, Report report)
{
    private const string Step = "9 several servers";
    private const double P99GoalMs = 100;
    private const double ScaleGoal = 1.6;

    private static readonly Dictionary<string, string> Common = new(StringComparer.Ordinal) { ["Alerts:MergeWindow"] = "00:00:01" };

    private readonly HubMeasurement _measurement = new(settings);

    private sealed record Setup(string Key, string Name, int Servers, bool PostgreSql, bool Redis);

    public async Task RunAsync()
    {
        Setup[] setups = [new("sqlite", "1 × SQLite", 1, false, false), new("postgresql", "1 × PostgreSQL", 1, true, false), new("two", "2 × PostgreSQL + Redis", 2, true, true)];
        if (settings.Smoke)
        {
            setups = setups[1..]; // one server on SQLite is step 3's; the smoke run keeps what only this step does
        }

        if (settings.ServersSetups.Count > 0)
        {
            setups = [.. setups.Where(s => settings.ServersSetups.Contains(s.Key))];
        }

        using var postgres = PostgresServer.StartDurable();
        await using var redis = await RedisServer.StartNewAsync();
        var ceilings = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var setup in setups)
        {
            var servers = await StartAsync(setup, postgres, redis);
            try
            {
                ceilings[setup.Name] = await MeasureAsync(setup, servers);
            }
            finally
            {
                foreach (var server in servers)
                {
                    await server.DisposeAsync();
                }
            }
        }

        if (settings.CeilingRates.Count > 0 && ceilings.ContainsKey("1 × PostgreSQL") && ceilings.ContainsKey("2 × PostgreSQL + Redis"))
        {
            var (one, two) = (ceilings["1 × PostgreSQL"], ceilings["2 × PostgreSQL + Redis"]);
            var scale = one is > 0 && two is not null ? two / one : null;
            report.Add(new Figure(Step, "ingest ceiling, 2 × PostgreSQL + Redis ÷ 1 × PostgreSQL", scale, "×", $"≥ {ScaleGoal}×", scale >= ScaleGoal,
                string.Create(CultureInfo.InvariantCulture, $"{two?.ToString("0", CultureInfo.InvariantCulture) ?? "none"} ÷ {one?.ToString("0", CultureInfo.InvariantCulture) ?? "none"} alerts/s")));
        }

        report.Table("Several servers: ingest → hub, every run", _measurement.Table());
        report.Detail("servers", _measurement.Runs);
    }

    /// <summary>Starts the servers of <paramref name="setup"/> one after another (the first migrates and seeds the store).</summary>
    private static async Task<List<ServerProcess>> StartAsync(Setup setup, PostgresServer postgres, RedisServer redis)
    {
        var serverSettings = new Dictionary<string, string>(Common, StringComparer.Ordinal);
        if (setup.PostgreSql)
        {
            var database = $"cc_bench_{Guid.NewGuid():N}";
            await postgres.CreateAsync(database);
            serverSettings["Store:Provider"] = "PostgreSQL";
            serverSettings["ConnectionStrings:Store"] = postgres.ConnectionString(database);
        }

        if (setup.Redis)
        {
            serverSettings["ConnectionStrings:Redis"] = redis.ConnectionString;
        }

        Console.WriteLine($"[{Step}] {setup.Name}");
        var servers = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < setup.Servers; i++)
            {
                servers.Add(await ServerProcess.StartProductAsync(serverSettings));
            }
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            throw;
        }

        return servers;
    }

    /// <summary>The latency run at the goal's rate and clients, then the ceiling; returns the highest sustained rate.</summary>
    private async Task<double?> MeasureAsync(Setup setup, List<ServerProcess> servers)
    {
        var signedIn = new List<(Uri, CookieContainer?)>();
        foreach (var server in servers)
        {
            signedIn.Add((server.BaseAddress, await AlertLoad.SignInAsync(server.BaseAddress, "wall")));
        }

        using var load = new AlertLoad([.. servers.Select(s => s.BaseAddress)]);
        await using (var warm = await HubListeners.ConnectAsync(signedIn, 2 * servers.Count, AlertLoad.CityCode))
        {
            await _measurement.MeasureAsync(servers, load, warm, 50, TimeSpan.FromSeconds(settings.Smoke ? 1 : 3), "warm-up", setup.Name);
        }

        await using (var listeners = await HubListeners.ConnectAsync(signedIn, settings.ServersClients, AlertLoad.CityCode))
        {
            var run = await _measurement.MeasureAsync(servers, load, listeners, settings.ServersRate, settings.HubDuration, "matrix", setup.Name);
            var goal = setup.Servers > 1 && !settings.Smoke;
            report.Add(new Figure(Step, $"p99 ingest → hub, {setup.Name}, {settings.ServersClients} clients, {settings.ServersRate}/s", run.Latency.P99, "ms",
                setup.Servers > 1 ? $"≤ {P99GoalMs:0} ms" : null, goal ? run.Latency.P99 <= P99GoalMs && run.Lost == 0 && run.KeptRate : null,
                string.Create(CultureInfo.InvariantCulture, $"p50 {run.Latency.P50:0.#}, max {run.Latency.Max:0}; lost {run.Lost}, duplicates {run.Duplicates}; server CPU {run.ServerCpu:P0}")));
        }

        if (settings.CeilingRates.Count == 0)
        {
            return null;
        }

        await using var few = await HubListeners.ConnectAsync(signedIn, settings.CeilingClients, AlertLoad.CityCode);
        double? highest = null;
        HubMeasurement.HubRun? failed = null;
        foreach (var rate in settings.CeilingRates)
        {
            var run = await _measurement.MeasureAsync(servers, load, few, rate, settings.CeilingStepDuration, "ceiling", setup.Name);
            if (!run.Sustained)
            {
                failed = run;
                break;
            }

            highest = rate;
        }

        var why = failed is null
            ? $"every step up to {settings.CeilingRates[^1]}/s held"
            : string.Create(CultureInfo.InvariantCulture,
                $"{failed.Rate:0}/s not held: achieved {failed.AchievedRate:0}/s, errors {failed.Errors}, lost {failed.Lost}, p99 {failed.Latency.P99:0} ms; server CPU {failed.ServerCpu:P0}");
        report.Add(new Figure(Step, $"ingest ceiling, {setup.Name} ({settings.CeilingClients} clients, {settings.CeilingStepDuration.TotalSeconds:0} s steps)", highest, "alerts/s", Note: why));
        return highest;
    }
}
