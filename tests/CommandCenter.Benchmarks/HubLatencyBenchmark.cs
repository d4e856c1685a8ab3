using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Goals: p99 ≤ 50 ms and ≤ 1.5× the baseline at 200 alerts/s with 500 clients; ≥ 2,000 alerts/s sustained. Measured
/// from the moment an outside system sends <c>POST /api/v1/alerts</c> to the moment each of M signed-in SignalR
/// clients subscribed to the city holds the <c>AlertChanged</c>, at R alerts a second. The
/// product runs as its own process (Release build, embedded store, simulator off); next to it, in the same run and
/// measured the same way, the bare baseline (<see cref="BaselineServer"/>). Then the ceiling: R goes up with a few
/// listeners until a step is not sustained (an error, a lost message, the schedule not kept, or p99 over 1 s).
/// </summary>
public sealed class HubLatencyBenchmark(BenchSettings settings, Report report, Products products)
{
    private const string Step = "3 ingest→hub";
    private const double CeilingP99Ms = 1000;
    private readonly List<HubRun> _runs = [];
    private int _nextRun;

    public async Task RunAsync()
    {
        await using var lease = await products.StartAsync();
        var product = lease.Server;
        await using var baseline = await ServerProcess.StartBaselineAsync();
        var cookies = await AlertLoad.SignInAsync(product.BaseAddress, "wall");
        using var productLoad = new AlertLoad(product.BaseAddress);
        using var baselineLoad = new AlertLoad(baseline.BaseAddress);
        Console.WriteLine($"[{Step}] (grid, category) pairs before one repeats: {AlertLoad.DistinctPairs:N0}; product merge window 1 s");

        // Warm-up: JIT, EF model, connection pools, on both servers.
        await using (var warmProduct = await HubListeners.ConnectAsync(product.BaseAddress, cookies, 2, AlertLoad.CityCode))
        await using (var warmBaseline = await HubListeners.ConnectAsync(baseline.BaseAddress, null, 2, AlertLoad.CityCode))
        {
            var warmFor = TimeSpan.FromSeconds(settings.Smoke ? 1 : 3);
            await MeasureAsync(product, productLoad, warmProduct, 50, warmFor, "warm-up");
            await MeasureAsync(baseline, baselineLoad, warmBaseline, 50, warmFor, "warm-up");
        }

        foreach (var clients in settings.HubClients)
        {
            var connecting = Stopwatch.StartNew();
            await using var productListeners = await HubListeners.ConnectAsync(product.BaseAddress, cookies, clients, AlertLoad.CityCode);
            await using var baselineListeners = await HubListeners.ConnectAsync(baseline.BaseAddress, null, clients, AlertLoad.CityCode);
            Console.WriteLine($"[{Step}] {clients} clients connected and subscribed to each server in {connecting.Elapsed.TotalSeconds:N1} s");
            foreach (var rate in settings.HubRates)
            {
                var p = await MeasureAsync(product, productLoad, productListeners, rate, settings.HubDuration, "matrix");
                var b = await MeasureAsync(baseline, baselineLoad, baselineListeners, rate, settings.HubDuration, "matrix");
                AddFigures(clients, rate, p, b);
            }
        }

        if (settings.CeilingRates.Count > 0)
        {
            await CeilingAsync(product, productLoad, cookies);
        }

        report.Table("Ingest → hub, every run", Table());
        report.Detail("hub", _runs);
    }

    private void AddFigures(int clients, int rate, HubRun product, HubRun baseline)
    {
        var goalRun = clients == 500 && rate == 200;
        var what = $"{clients} clients, {rate}/s";
        report.Add(new Figure(Step, $"product p99, {what}", product.Latency.P99, "ms",
            goalRun ? "≤ 50 ms" : null, goalRun ? product.Latency.P99 <= 50 && product.Lost == 0 && product.KeptRate : null,
            string.Create(CultureInfo.InvariantCulture, $"p50 {product.Latency.P50:0.#}, p95 {product.Latency.P95:0.#}, max {product.Latency.Max:0}; lost {product.Lost}") + Pace(product)));
        report.Add(new Figure(Step, $"baseline p99, {what}", baseline.Latency.P99, "ms",
            Note: string.Create(CultureInfo.InvariantCulture, $"p50 {baseline.Latency.P50:0.#}; lost {baseline.Lost}") + Pace(baseline)));

        // A ratio means something only when both kept the rate: a server that fell behind was sent fewer alerts.
        var ratio = product.Latency.P99 / baseline.Latency.P99;
        report.Add(new Figure(Step, $"product ÷ baseline p99, {what}", ratio, "×", goalRun ? "≤ 1.5×" : null, goalRun ? ratio <= 1.5 && product.KeptRate : null,
            product.KeptRate && baseline.KeptRate ? null : "not comparable: a server did not keep the rate"));

        static string Pace(HubRun run) => run.KeptRate
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $"; fell behind: {run.AchievedRate:0}/s of {run.Rate}/s");
    }

    private async Task CeilingAsync(ServerProcess product, AlertLoad load, System.Net.CookieContainer cookies)
    {
        await using var listeners = await HubListeners.ConnectAsync(product.BaseAddress, cookies, settings.CeilingClients, AlertLoad.CityCode);
        double? highest = null;
        HubRun? failed = null;
        foreach (var rate in settings.CeilingRates)
        {
            var run = await MeasureAsync(product, load, listeners, rate, settings.CeilingStepDuration, "ceiling");
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
                $"{failed.Rate:0}/s not held: achieved {failed.AchievedRate:0}/s, errors {failed.Errors}, lost {failed.Lost}, p99 {failed.Latency.P99:0} ms");
        report.Add(new Figure(Step, $"highest sustained rate ({settings.CeilingClients} clients, {settings.CeilingStepDuration.TotalSeconds:0} s steps)",
            highest, "alerts/s", "≥ 2,000/s", highest >= 2000, why));
    }

    private async Task<HubRun> MeasureAsync(ServerProcess server, AlertLoad load, HubListeners listeners, int rate, TimeSpan duration, string phase)
    {
        var run = _nextRun++;
        var capacity = (int)Math.Round(rate * duration.TotalSeconds) + 1;
        listeners.BeginRun(run, capacity);
        var cpuBefore = server.CpuTime();
        var linesBefore = server.OutputLines;
        var clock = Stopwatch.StartNew();
        var sent = await load.RunAsync(run, rate, duration);
        var sendingSeconds = clock.Elapsed.TotalSeconds;
        var serverCpu = (server.CpuTime() - cpuBefore).TotalSeconds / sendingSeconds;
        var lines = server.OutputLines - linesBefore;

        // Let the last messages arrive: until all are in, or nothing new came for a while.
        var expected = (long)sent.Accepted.Count * listeners.Count;
        var quiet = settings.Smoke ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);
        var received = listeners.CountReceived(sent.Accepted);
        var lastProgress = Stopwatch.StartNew();
        while (received < expected && lastProgress.Elapsed < quiet)
        {
            await Task.Delay(100);
            var now = listeners.CountReceived(sent.Accepted);
            if (now != received)
            {
                received = now;
                lastProgress.Restart();
            }
        }

        var latencies = new double[received];
        var k = 0;
        for (var client = 0; client < listeners.Count; client++)
        {
            foreach (var seq in sent.Accepted)
            {
                var at = listeners.ReceivedAt(client, seq);
                if (at != 0 && k < latencies.Length)
                {
                    latencies[k++] = Ticks.ToMilliseconds(at - sent.SentAt[seq]);
                }
            }
        }

        var bySecond = BySecond(listeners, sent);

        var result = new HubRun(
            server.Name, phase, listeners.Count, rate, sent.Sent, sent.AchievedRate, sent.Errors, sent.Merged, expected - received,
            listeners.Duplicates, Distribution.Of(latencies.AsSpan(0, k)), sent.PostMs, serverCpu, lines, sent.ErrorStatuses, bySecond);
        _runs.Add(result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {phase,-8} {server.Name,-8} {listeners.Count,4} clients {rate,5}/s: sent {sent.Sent} (achieved {sent.AchievedRate:0}/s), errors {sent.Errors}, merged {sent.Merged}, lost {result.Lost}; " +
            $"latency p50 {result.Latency.P50:0.0} p95 {result.Latency.P95:0.0} p99 {result.Latency.P99:0.0} max {result.Latency.Max:0} ms; POST p99 {sent.PostMs.P99:0.0} ms; server CPU {serverCpu:P0}, {lines} log lines; " +
            $"worst seconds (p99 ms): {string.Join(", ", bySecond.OrderByDescending(s => s.Latency.P99).Take(3).Select(s => $"{s.Second}s {s.Latency.P99:0}"))}"));
        await Task.Delay(settings.Smoke ? 200 : 2000); // let the server settle before the next run
        return result;
    }

    private string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("| server | phase | clients | rate /s | achieved /s | errors | lost | p50 ms | p95 ms | p99 ms | max ms | POST p99 ms | server CPU | log lines |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in _runs.Where(r => r.Phase != "warm-up"))
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Server} | {r.Phase} | {r.Clients} | {r.Rate} | {r.AchievedRate:0} | {r.Errors} | {r.Lost} | {r.Latency.P50:0.0} | {r.Latency.P95:0.0} | {r.Latency.P99:0.0} | {r.Latency.Max:0} | {r.PostMs.P99:0.0} | {r.ServerCpu:P0} | {r.LogLines} |"));
        }

        return text.ToString();
    }

    /// <summary>
    /// Latency of the alerts sent in each second of a run, so a stall (a collection, a job, a flush) shows up where it
    /// happened instead of only in the run's tail.
    /// </summary>
    private static List<SecondOfRun> BySecond(HubListeners listeners, LoadRun sent)
    {
        if (sent.Accepted.Count == 0)
        {
            return [];
        }

        var start = sent.Accepted.Min(seq => sent.SentAt[seq]);
        var seconds = new SortedDictionary<int, List<double>>();
        foreach (var seq in sent.Accepted)
        {
            var second = (int)(Ticks.ToMilliseconds(sent.SentAt[seq] - start) / 1000);
            if (!seconds.TryGetValue(second, out var values))
            {
                seconds[second] = values = [];
            }

            for (var client = 0; client < listeners.Count; client++)
            {
                var at = listeners.ReceivedAt(client, seq);
                if (at != 0)
                {
                    values.Add(Ticks.ToMilliseconds(at - sent.SentAt[seq]));
                }
            }
        }

        return [.. seconds.Select(s => new SecondOfRun(s.Key, Distribution.Of([.. s.Value])))];
    }

    public sealed record SecondOfRun(int Second, Distribution Latency);

    public sealed record HubRun(
        string Server, string Phase, int Clients, int Rate, int Sent, double AchievedRate, int Errors, int Merged, long Lost, long Duplicates,
        Distribution Latency, Distribution PostMs, double ServerCpu, long LogLines, IReadOnlyList<int> ErrorStatuses,
        IReadOnlyList<SecondOfRun> BySecond)
    {
        /// <summary>The schedule was kept: the server answered fast enough for the sender to post at (nearly) the rate.</summary>
        public bool KeptRate => AchievedRate >= Rate * 0.95;

        public bool Sustained => Errors == 0 && Lost == 0 && KeptRate && Latency.P99 <= CeilingP99Ms;
    }
}
