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
    private readonly HubMeasurement _measurement = new(settings);

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
            await _measurement.MeasureAsync([product], productLoad, warmProduct, 50, warmFor, "warm-up");
            await _measurement.MeasureAsync([baseline], baselineLoad, warmBaseline, 50, warmFor, "warm-up");
        }

        foreach (var clients in settings.HubClients)
        {
            var connecting = Stopwatch.StartNew();
            await using var productListeners = await HubListeners.ConnectAsync(product.BaseAddress, cookies, clients, AlertLoad.CityCode);
            await using var baselineListeners = await HubListeners.ConnectAsync(baseline.BaseAddress, null, clients, AlertLoad.CityCode);
            Console.WriteLine($"[{Step}] {clients} clients connected and subscribed to each server in {connecting.Elapsed.TotalSeconds:N1} s");
            foreach (var rate in settings.HubRates)
            {
                var p = await _measurement.MeasureAsync([product], productLoad, productListeners, rate, settings.HubDuration, "matrix");
                var b = await _measurement.MeasureAsync([baseline], baselineLoad, baselineListeners, rate, settings.HubDuration, "matrix");
                AddFigures(clients, rate, p, b);
            }
        }

        if (settings.CeilingRates.Count > 0)
        {
            await CeilingAsync(product, productLoad, cookies);
        }

        report.Table("Ingest → hub, every run", _measurement.Table());
        report.Detail("hub", _measurement.Runs);
    }

    private void AddFigures(int clients, int rate, HubMeasurement.HubRun product, HubMeasurement.HubRun baseline)
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

        static string Pace(HubMeasurement.HubRun run) => run.KeptRate
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $"; fell behind: {run.AchievedRate:0}/s of {run.Rate}/s");
    }

    private async Task CeilingAsync(ServerProcess product, AlertLoad load, System.Net.CookieContainer cookies)
    {
        await using var listeners = await HubListeners.ConnectAsync(product.BaseAddress, cookies, settings.CeilingClients, AlertLoad.CityCode);
        double? highest = null;
        HubMeasurement.HubRun? failed = null;
        foreach (var rate in settings.CeilingRates)
        {
            var run = await _measurement.MeasureAsync([product], load, listeners, rate, settings.CeilingStepDuration, "ceiling");
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
}
