using System.Diagnostics;
using CommandCenter.Testing;
using Microsoft.Playwright;

namespace CommandCenter.Benchmarks;

/// <summary>
/// The city wall at a city's size: the demo city (300 grids) next to a generated large one (12,000 grids, from
/// seeds/tools/generate_seeds.py): how long a city wall takes from navigation to its map drawn and live, how many
/// elements its page has, and the server memory each further city wall costs.
/// </summary>
/// <remarks>
/// Each size gets its own product (the large city is imported at its first start). Navigation is timed in a fresh
/// page of a signed-in context, from <c>goto</c> to the map's first shape (the prerendered page) and to
/// <c>data-circuit="live"</c> (the circuit attached and rendering), median of several.
/// </remarks>
public sealed class CityWallBenchmark(BenchSettings settings, Report report, Products products)
{
    private const string Step = "6 city size";

    public async Task RunAsync()
    {
        foreach (var size in settings.CitySizes)
        {
            var demo = size is null;
            var name = demo ? "demo city" : $"{size!.Grids:N0} grids";
            Console.WriteLine($"[{Step}] {name}");
            var clock = Stopwatch.StartNew();
            var extra = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!demo)
            {
                extra["SeedDir"] = GeneratedCity.SeedDir(size!);
            }

            if (settings.CityMapShapes is { } shapes)
            {
                extra["Wall:MapShapes"] = shapes.ToString(System.Globalization.CultureInfo.InvariantCulture);
                name += $", what-if Wall:MapShapes={shapes}";
            }

            await using var lease = extra.Count == 0 ? await products.StartAsync() : await Products.StartOwnAsync(extra);
            Console.WriteLine($"  product with the {name} ready after {clock.Elapsed.TotalSeconds:N1} s");
            await MeasurePaintAsync(lease.Server, name, judged: !demo);
            await new CircuitMemoryBenchmark(settings, report, products).MeasureAsync(lease.Server, Step, name, settings.CityCircuits);
        }
    }

    private async Task MeasurePaintAsync(ServerProcess product, string name, bool judged)
    {
        await using var chromium = await Chromium.LaunchAsync();
        var session = await chromium.SignInAsync(product.BaseAddress, "wall");
        var drawn = new List<double>();
        var live = new List<double>();
        var elements = 0;
        var shapes = 0;
        for (var i = 0; i < settings.CityPaintRuns + 1; i++) // the first warms the product up and is not counted
        {
            await using var context = await chromium.NewWallContextAsync(session);
            var page = await context.NewPageAsync();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(product.BaseAddress, "wall").ToString(), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
            await page.WaitForSelectorAsync("[data-testid=city-map] g.grids path", new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            var mapDrawn = clock.Elapsed.TotalMilliseconds;
            await page.WaitForSelectorAsync("[data-circuit=live]", new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            var isLive = clock.Elapsed.TotalMilliseconds;
            if (i > 0)
            {
                drawn.Add(mapDrawn);
                live.Add(isLive);
            }

            elements = await page.EvaluateAsync<int>("document.getElementsByTagName('*').length");
            shapes = await page.EvaluateAsync<int>("document.querySelectorAll('[data-testid=city-map] g.grids path').length");
        }

        var liveMedian = Distribution.Median(live);
        report.Add(new Figure(Step, $"city wall, navigation → map drawn ({name}, median of {drawn.Count})", Distribution.Median(drawn), "ms"));
        report.Add(new Figure(Step, $"city wall, navigation → map drawn and live ({name}, median of {live.Count})", liveMedian, "ms",
            judged ? "≤ 2 s" : null, judged ? liveMedian <= 2_000 : null));
        report.Add(new Figure(Step, $"city wall, DOM elements ({name}; {shapes:N0} shapes on the map)", elements, "",
            judged ? "≤ 5,000" : null, judged ? elements <= 5_000 : null));
    }
}
