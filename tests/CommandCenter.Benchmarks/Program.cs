using System.Diagnostics;
using CommandCenter.Benchmarks;

// A child process of the harness: the bare ASP.NET Core baseline for the hub latency step.
if (args.Length > 0 && args[0] == BaselineServer.Verb)
{
    await BaselineServer.RunAsync(args[1..]);
    return 0;
}

var settings = BenchSettings.Parse(args);
var report = new Report(settings);
Console.WriteLine($"CommandCenter benchmarks ({(settings.Smoke ? "smoke" : "full")}) on {report.Machine}");

var total = Stopwatch.StartNew();
await using var products = new Products(settings);
(string Name, Func<Task> Run)[] steps =
[
    ("metrics", () => new MetricWriterBenchmark(settings, report).RunAsync()),
    ("escalation", () => new EscalationBenchmark(settings, report).RunAsync()),
    ("hub", () => new HubLatencyBenchmark(settings, report, products).RunAsync()),
    ("wall", () => new WallLatencyBenchmark(settings, report, products).RunAsync()),
    ("memory", () => new CircuitMemoryBenchmark(settings, report, products).RunAsync()),
    ("city", () => new CityWallBenchmark(settings, report, products).RunAsync()),
    ("history", () => new HistoryBenchmark(settings, report).RunAsync()),
    ("console", () => new ConsoleBenchmark(settings, report).RunAsync()),
    ("servers", () => new ServersBenchmark(settings, report).RunAsync()),
];

foreach (var (name, run) in steps)
{
    if (!settings.Runs(name))
    {
        continue;
    }

    var clock = Stopwatch.StartNew();
    Console.WriteLine($"== {name}");
    try
    {
        await run();
    }
    catch (Exception ex)
    {
        report.Failed(name, ex);
    }

    Console.WriteLine($"== {name} took {clock.Elapsed.TotalSeconds:N1} s");
}

Console.WriteLine();
Console.WriteLine(report.ToMarkdown());
var path = report.Write();
Console.WriteLine($"Took {total.Elapsed.TotalSeconds:N0} s. JSON: {path}");
return report.Failures.Count == 0 ? 0 : 1;
