using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CommandCenter.Benchmarks;

/// <summary>
/// One way of timing ingest → hub for every step that does: an open-loop load posts alerts, signed-in SignalR
/// listeners stamp each arrival, and each run's latencies, losses and pace are kept for the report.
/// </summary>
public sealed class HubMeasurement(BenchSettings settings)
{
    public const double CeilingP99Ms = 1000;
    private readonly List<HubRun> _runs = [];
    private int _nextRun;

    public IReadOnlyList<HubRun> Runs => _runs;

    /// <summary>
    /// Posts at <paramref name="rate"/> for <paramref name="duration"/> (to the servers in turn) and times each alert
    /// from its POST to its arrival at every listener; server CPU and log lines are summed over the servers.
    /// </summary>
    public async Task<HubRun> MeasureAsync(IReadOnlyList<ServerProcess> servers, AlertLoad load, HubListeners listeners, int rate, TimeSpan duration, string phase, string? name = null)
    {
        name ??= Name(servers);
        var run = _nextRun++;
        var capacity = (int)Math.Round(rate * duration.TotalSeconds) + 1;
        listeners.BeginRun(run, capacity);
        var cpuBefore = servers.Select(s => s.CpuTime()).ToList();
        var linesBefore = servers.Sum(s => s.OutputLines);
        var clock = Stopwatch.StartNew();
        var sent = await load.RunAsync(run, rate, duration);
        var sendingSeconds = clock.Elapsed.TotalSeconds;
        var serverCpu = servers.Select((s, i) => (s.CpuTime() - cpuBefore[i]).TotalSeconds).Sum() / sendingSeconds;
        var lines = servers.Sum(s => s.OutputLines) - linesBefore;

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
            name, phase, listeners.Count, rate, sent.Sent, sent.AchievedRate, sent.Errors, sent.Merged, expected - received,
            listeners.Duplicates, Distribution.Of(latencies.AsSpan(0, k)), sent.PostMs, serverCpu, lines, sent.ErrorStatuses, bySecond);
        _runs.Add(result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {phase,-8} {name,-8} {listeners.Count,4} clients {rate,5}/s: sent {sent.Sent} (achieved {sent.AchievedRate:0}/s), errors {sent.Errors}, merged {sent.Merged}, lost {result.Lost}; " +
            $"latency p50 {result.Latency.P50:0.0} p95 {result.Latency.P95:0.0} p99 {result.Latency.P99:0.0} max {result.Latency.Max:0} ms; POST p99 {sent.PostMs.P99:0.0} ms; server CPU {serverCpu:P0}, {lines} log lines; " +
            $"worst seconds (p99 ms): {string.Join(", ", bySecond.OrderByDescending(s => s.Latency.P99).Take(3).Select(s => $"{s.Second}s {s.Latency.P99:0}"))}"));
        await Task.Delay(settings.Smoke ? 200 : 2000); // let the server settle before the next run
        return result;
    }

    /// <summary>Every run but the warm-ups, as a markdown table.</summary>
    public string Table()
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

    /// <summary>A name for the servers of a run: the one server's, or "2 × product".</summary>
    private static string Name(IReadOnlyList<ServerProcess> servers) =>
        servers.Count == 1 ? servers[0].Name : $"{servers.Count} × {servers[0].Name}";
}
