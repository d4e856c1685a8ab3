using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace CommandCenter.Benchmarks;

/// <summary>
/// The product's resident memory with 0, 100 and 500 live wall circuits, as KB per circuit (goal: ≤ 500 KB; see
/// wwwroot-assets/docs/performance.md).
/// </summary>
/// <remarks>
/// What works on 2 cores and 24 GiB: a Chromium page per wall is ~50–100 MB and a renderer process each, far too
/// heavy for 500. So each circuit is a same-origin <c>&lt;iframe src="/wall"&gt;</c> at 1920×1080: a full document
/// running the real blazor.web.js, its own WebSocket and its own circuit on the server, but sharing its page's
/// renderer process (Chromium throttles painting of frames out of view; the server cannot tell). Frames are spread
/// over a few browser contexts (each its own network stack, at most 100 sockets each) in one browser, added in
/// batches until every frame says <c>data-circuit="live"</c>. Before each reading the server runs a full garbage
/// collection (requested over the diagnostics port, as dotnet-gcdump does), and VmRSS is read three times a second
/// apart (median). A first wall is opened and closed before the 0 reading, so one-time costs (JIT, the city's shared
/// wall state, geometry) are not charged to the circuits.
/// </remarks>
public sealed class CircuitMemoryBenchmark(BenchSettings settings, Report report, Products products)
{
    private const int FramesPerContext = 100;
    private const int FramesPerBatch = 20;

    public async Task RunAsync()
    {
        await using var lease = await products.StartAsync();
        await MeasureAsync(lease.Server, "5 memory", "", settings.Circuits);
    }

    /// <summary>
    /// The readings on a running product, figures named with <paramref name="step"/> and <paramref name="city"/> (for
    /// the demo city: empty); the goal is judged at the last count of <paramref name="circuits"/>.
    /// </summary>
    public async Task MeasureAsync(ServerProcess product, string step, string city, IReadOnlyList<int> circuits)
    {
        var of = city.Length == 0 ? "" : $" ({city})";
        await using var chromium = await Chromium.LaunchAsync();
        var session = await chromium.SignInAsync(product.BaseAddress, "wall");
        var hosts = new List<(IBrowserContext Context, IPage Page, int Frames)>();
        var readings = new List<object>();
        try
        {
            // One wall opened and closed: what the first wall costs once is not a per-circuit cost.
            await using (var warm = await chromium.NewWallContextAsync(session))
            {
                var page = await warm.NewPageAsync();
                await page.GotoAsync(new Uri(product.BaseAddress, "wall").ToString());
                await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 60_000 });
                await page.WaitForTimeoutAsync(settings.Smoke ? 500 : 2000);
            }

            await Task.Delay(TimeSpan.FromSeconds(settings.Smoke ? 1 : 3));
            var zero = await ReadAsync(product);
            readings.Add(new { circuits = 0, rssBytes = zero });
            report.Add(new Figure(step, $"product working set, 0 wall circuits{of}", zero / 1024.0 / 1024.0, "MB"));

            var open = 0;
            long? hundredOrSo = null;
            var firstStep = 0;
            foreach (var target in circuits.Where(c => c > 0))
            {
                var clock = Stopwatch.StartNew();
                while (open < target)
                {
                    var index = hosts.FindIndex(h => h.Frames < FramesPerContext);
                    if (index < 0)
                    {
                        var context = await chromium.NewWallContextAsync(session);
                        var host = await context.NewPageAsync();
                        await host.GotoAsync(new Uri(product.BaseAddress, "healthz").ToString()); // same origin, no circuit of its own
                        hosts.Add((context, host, 0));
                        index = hosts.Count - 1;
                    }

                    var (ctx, page, frames) = hosts[index];
                    var add = Math.Min(Math.Min(FramesPerBatch, target - open), FramesPerContext - frames);
                    await page.EvaluateAsync("count => { for (let i = 0; i < count; i++) { const f = document.createElement('iframe'); f.src = '/wall'; f.width = 1920; f.height = 1080; document.body.appendChild(f); } }", add);
                    await page.WaitForFunctionAsync(
                        "expected => [...document.querySelectorAll('iframe')].filter(f => f.contentDocument && f.contentDocument.querySelector('[data-circuit=live]')).length >= expected",
                        frames + add, new() { Timeout = 300_000, PollingInterval = 250 });
                    hosts[index] = (ctx, page, frames + add);
                    open += add;
                }

                Console.WriteLine($"[{step}] {open} wall circuits live in {hosts.Count} contexts after {clock.Elapsed.TotalSeconds:N0} s");
                await Task.Delay(TimeSpan.FromSeconds(settings.Smoke ? 2 : 10)); // renders, clocks and buffers reach their steady state
                var rss = await ReadAsync(product);
                readings.Add(new { circuits = open, rssBytes = rss });
                var perCircuit = (rss - zero) / 1024.0 / open;
                var last = open == circuits[^1];
                report.Add(new Figure(step, $"product working set, {open} wall circuits{of}", rss / 1024.0 / 1024.0, "MB"));
                report.Add(new Figure(step, $"per circuit, 0 → {open}{of}", perCircuit, "KB", last ? "≤ 500 KB" : null, last ? perCircuit <= 500 : null));
                if (hundredOrSo is { } earlier && open > firstStep)
                {
                    report.Add(new Figure(step, $"per circuit, {firstStep} → {open} (marginal){of}", (rss - earlier) / 1024.0 / (open - firstStep), "KB"));
                }

                hundredOrSo ??= rss;
                firstStep = firstStep == 0 ? open : firstStep;
            }

            report.Detail(city.Length == 0 ? "memory" : $"memory {city}", readings);
        }
        finally
        {
            foreach (var (context, _, _) in hosts)
            {
                await context.CloseAsync();
            }
        }
    }

    /// <summary>
    /// With <c>CC_BENCH_GCDUMP</c> naming dotnet-gcdump (a .NET diagnostics tool, not needed otherwise), a heap dump
    /// of the server at each reading, next to the JSON report: <c>dotnet-gcdump report FILE</c> lists what holds the memory.
    /// </summary>
    private static async Task HeapDumpAsync(ServerProcess server)
    {
        if (Environment.GetEnvironmentVariable("CC_BENCH_GCDUMP") is not { Length: > 0 } tool)
        {
            return;
        }

        var dir = Path.Combine(Report.RepositoryRoot(), "TestResults", "benchmarks");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"memory-{DateTime.UtcNow:HHmmss}.gcdump"));
        using var dump = Process.Start(new ProcessStartInfo(tool, ["collect", "-p", server.ProcessId.ToString(CultureInfo.InvariantCulture), "-o", file]) { RedirectStandardOutput = true })!;
        await dump.StandardOutput.ReadToEndAsync();
        await dump.WaitForExitAsync();
        Console.WriteLine($"  heap dump: {file}");
    }

    private async Task<long> ReadAsync(ServerProcess server)
    {
        await server.CollectGarbageAsync();
        var samples = new List<double>();
        for (var i = 0; i < (settings.Smoke ? 1 : 3); i++)
        {
            await Task.Delay(settings.Smoke ? 300 : 1000);
            samples.Add(server.WorkingSetBytes());
        }

        var rss = (long)Distribution.Median(samples);
        await HeapDumpAsync(server);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  working set {rss / 1024.0 / 1024.0:N1} MB (samples {string.Join(", ", samples.Select(s => (s / 1024 / 1024).ToString("N1", CultureInfo.InvariantCulture)))})"));
        return rss;
    }
}
