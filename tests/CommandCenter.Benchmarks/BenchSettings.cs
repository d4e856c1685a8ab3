using System.Globalization;
using CommandCenter.Testing;

namespace CommandCenter.Benchmarks;

/// <summary>
/// How big each step is. The full run uses the sizes the goals are stated for; <c>--smoke</c> runs every step with
/// small numbers so the harness itself cannot rot (tests/run.sh runs it).
/// </summary>
public sealed record BenchSettings
{
    public bool Smoke { get; init; }

    /// <summary><c>--only metrics,escalation,hub,wall,memory,city,history,console,servers</c>: run some steps (for working on one).</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>--out PATH</c>: where the JSON goes (default TestResults/benchmarks/).</summary>
    public string? OutPath { get; init; }

    public int MetricPoints { get; init; } = 200_000;

    public int EscalationAlerts { get; init; } = 100_000;

    public int EscalationWarmRuns { get; init; } = 5;

    /// <summary>
    /// <c>--what-if-escalation-index</c>: a what-if, not the product — adds a partial index on the alerts not yet
    /// escalated for their deadline before timing the scan, to show what it would change.
    /// </summary>
    public bool WhatIfEscalationIndex { get; init; }

    public IReadOnlyList<int> HubClients { get; init; } = [100, 500];

    public IReadOnlyList<int> HubRates { get; init; } = [50, 200, 1000];

    public TimeSpan HubDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The ceiling is about ingestion, so few listeners: 500 × 2,000 messages/s would measure this harness, not the product.</summary>
    public int CeilingClients { get; init; } = 10;

    public IReadOnlyList<int> CeilingRates { get; init; } = [250, 500, 1000, 1500, 2000, 3000, 4000];

    public TimeSpan CeilingStepDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Listeners of the several-servers step's latency run, split over the servers.</summary>
    public int ServersClients { get; init; } = 500;

    /// <summary>Alerts a second of the several-servers step's latency run.</summary>
    public int ServersRate { get; init; } = 200;

    /// <summary><c>--servers-setups sqlite,postgresql,two</c>: some of the several-servers step's setups (for working on one).</summary>
    public IReadOnlySet<string> ServersSetups { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public int WallPages { get; init; } = 5;

    public int WallAlerts { get; init; } = 60;

    public double WallRate { get; init; } = 2;

    /// <summary>
    /// Alerts posted at <see cref="WallRate"/> before the walls start stamping, as the hub step warms up before it
    /// measures: the product has just started, and the first reports after start compile the ingestion path (EF's
    /// compiled queries, the JSON contracts, tier-0 code), a one-off that took 200–480 ms a POST in the first seconds.
    /// </summary>
    public int WallWarmUpAlerts { get; init; } = 10;

    public IReadOnlyList<int> Circuits { get; init; } = [0, 100, 500];

    /// <summary>The cities the city-size step runs on: null is the demo city, then generated ones.</summary>
    public IReadOnlyList<CitySize?> CitySizes { get; init; } = [null, CitySize.Large];

    /// <summary>Navigations timed per city (after one that warms up).</summary>
    public int CityPaintRuns { get; init; } = 5;

    /// <summary>City wall circuits opened on each city of the city-size step.</summary>
    public IReadOnlyList<int> CityCircuits { get; init; } = [0, 100];

    /// <summary>The cities and years of the history step: null is the demo city.</summary>
    public IReadOnlyList<(CitySize? City, int Alerts)> HistoryCities { get; init; } = [(null, 100_000), (CitySize.Large, 1_000_000)];

    /// <summary>The cities of the console step: null is the demo city, then generated ones.</summary>
    public IReadOnlyList<CitySize?> ConsoleCities { get; init; } = [null, CitySize.Large];

    /// <summary>Open alerts in the console user's town.</summary>
    public int ConsoleOpenAlerts { get; init; } = 5_000;

    /// <summary>Navigations timed per city on the console step (after one that warms up).</summary>
    public int ConsoleRuns { get; init; } = 5;

    /// <summary>
    /// <c>--map-shapes N</c>: a what-if, not the product — the wall's <c>Wall:MapShapes</c> for the city-size step
    /// (12000 draws every grid of the large city, as the wall did before its maps were bounded).
    /// </summary>
    public int? CityMapShapes { get; init; }

    /// <summary><c>--city-sizes demo,30x20x20</c>: the cities of the city-size step.</summary>
    internal static IReadOnlyList<CitySize?> Sizes(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(size => size == "demo" ? null : Size(size.Split('x').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray()))];

    private static CitySize Size(int[] n) => n.Length == 3 ? new CitySize(n[0], n[1], n[2]) : throw new ArgumentException("A city size is towns x communities per town x grids per community, e.g. 30x20x20.");

    public static BenchSettings Smallest => new()
    {
        Smoke = true,
        MetricPoints = 20_000,
        EscalationAlerts = 5_000,
        EscalationWarmRuns = 3,
        HubClients = [10],
        HubRates = [20],
        HubDuration = TimeSpan.FromSeconds(3),
        CeilingClients = 5,
        CeilingRates = [50, 100],
        CeilingStepDuration = TimeSpan.FromSeconds(2),
        ServersClients = 10,
        ServersRate = 20,
        WallPages = 1,
        WallAlerts = 5,
        WallRate = 2,
        WallWarmUpAlerts = 2,
        Circuits = [0, 5],
        // Steps 6–8 on a generated city of 1,000 grids only: past the wall's 800 shapes (drawn by community), and the
        // generated city's path; the demo city's wall, store and console are already exercised by steps 2–5.
        CitySizes = [new CitySize(4, 10, 25)],
        CityPaintRuns = 1,
        CityCircuits = [0, 3],
        HistoryCities = [(new CitySize(4, 10, 25), 10_000)],
        ConsoleCities = [new CitySize(4, 10, 25)],
        ConsoleOpenAlerts = 500,
        ConsoleRuns = 1,
    };

    public bool Runs(string step) => Only.Count == 0 || Only.Contains(step);

    private static int[] Numbers(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture))];

    public static BenchSettings Parse(string[] args)
    {
        var settings = args.Contains("--smoke") ? Smallest : new BenchSettings();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke":
                    break;
                case "--only" when i + 1 < args.Length:
                    settings = settings with { Only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase) };
                    break;
                case "--out" when i + 1 < args.Length:
                    settings = settings with { OutPath = args[++i] };
                    break;
                case "--duration" when i + 1 < args.Length:
                    settings = settings with { HubDuration = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture)) };
                    break;
                case "--clients" when i + 1 < args.Length:
                    settings = settings with { HubClients = Numbers(args[++i]) };
                    break;
                case "--rates" when i + 1 < args.Length:
                    settings = settings with { HubRates = Numbers(args[++i]) };
                    break;
                case "--what-if-escalation-index":
                    settings = settings with { WhatIfEscalationIndex = true };
                    break;
                case "--circuits" when i + 1 < args.Length:
                    settings = settings with { Circuits = Numbers(args[++i]) };
                    break;
                case "--city-circuits" when i + 1 < args.Length:
                    settings = settings with { CityCircuits = Numbers(args[++i]) };
                    break;
                case "--city-sizes" when i + 1 < args.Length:
                    settings = settings with { CitySizes = Sizes(args[++i]) };
                    break;
                case "--history-alerts" when i + 1 < args.Length:
                    var counts = Numbers(args[++i]);
                    settings = settings with { HistoryCities = [.. settings.HistoryCities.Zip(counts, (city, count) => (city.City, count))] };
                    break;
                case "--console-alerts" when i + 1 < args.Length:
                    settings = settings with { ConsoleOpenAlerts = int.Parse(args[++i], CultureInfo.InvariantCulture) };
                    break;
                case "--map-shapes" when i + 1 < args.Length:
                    settings = settings with { CityMapShapes = int.Parse(args[++i], CultureInfo.InvariantCulture) };
                    break;
                case "--servers-setups" when i + 1 < args.Length:
                    settings = settings with { ServersSetups = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase) };
                    break;
                case "--ceiling-rates" when i + 1 < args.Length:
                    settings = settings with { CeilingRates = Numbers(args[++i]) };
                    break;
                default:
                    throw new ArgumentException(
                        $"Unknown argument '{args[i]}'. Use --smoke, --only metrics,escalation,hub,wall,memory,city,history,console,servers, --out PATH; for the hub step " +
                        "--clients 100,500 --rates 50,200 --duration SECONDS --ceiling-rates 500,1000 (empty: no ceiling; also the servers step's); for the servers step --servers-setups sqlite,postgresql,two; for the memory step --circuits 0,100,500; for the city step --city-sizes demo,30x20x20 --city-circuits 0,100 --map-shapes N; for the history step --history-alerts 100000,1000000; for the console step --console-alerts 5000.");
            }
        }

        return settings;
    }
}
