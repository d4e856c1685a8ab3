using System.Diagnostics;
using System.Text;
using CommandCenter.Core;
using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Metrics.InfluxDB;
using CommandCenter.Testing;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;

namespace CommandCenter.Benchmarks;

/// <summary>
/// No goal, a comparison: the product's metric path into InfluxDB (<see cref="IMetricWriter"/> → in-memory buffer →
/// batches of 5,000 → durable outbox in metrics.db → delivery loop → <c>/write</c>), wired by the product's own registration,
/// against a plain <see cref="HttpClient"/> posting the same line protocol in batches of 5,000 to the same influxd.
/// Both clocks stop only when InfluxDB answers the full count to an InfluxQL <c>count()</c>.
/// </summary>
public sealed class MetricWriterBenchmark(BenchSettings settings, Report report)
{
    private const string Step = "1 metrics";
    private const string Database = "bench";
    private const int HttpBatch = 5_000;
    private static readonly string[] Towns = ["330188001", "330188002", "330188003", "330188004", "330188005", "330188006"];
    private static readonly string[] Categories = ["0101", "0203", "0301", "0302", "0405", "0501", "0602", "0703"];
    private static readonly string[] Severities = ["General", "Major", "Serious", "Critical"];
    private static readonly string[] Sources = ["GridWorker", "Public", "Hotline", "Video", "Sensor"];

    public async Task RunAsync()
    {
        var n = settings.MetricPoints;
        await using var influx = await InfluxServer.StartNewAsync();
        Console.WriteLine($"[{Step}] influxd on {influx.Url}; {n:N0} points each way");

        // Both paths once on a small set first: JIT, connection set-up, database creation, the first series.
        await PlainHttpAsync(influx, "warm_http", 5_000);
        await ProductPathAsync(influx, "warm_writer", 5_000);

        var plain = await PlainHttpAsync(influx, "bench_http", n);
        var product = await ProductPathAsync(influx, "bench_writer", n);

        report.Add(new Figure(Step, $"plain HttpClient POST, batches of {HttpBatch:N0}, lines pre-built", plain.PointsPerSecond, "points/s"));
        report.Add(new Figure(Step, "product MetricWriter → outbox → InfluxDB", product.PointsPerSecond, "points/s",
            Note: $"{n:N0} points until counted back; Write() loop took {product.WriteLoopMs:N0} ms"));
        report.Add(new Figure(Step, "product ÷ plain HTTP", product.PointsPerSecond / plain.PointsPerSecond, "×"));
        report.Detail("metrics", new { points = n, plain, product });
        await BreakdownAsync(influx);
    }

    /// <summary>
    /// Where a 5,000-point batch spends its time on the product's path, stage by stage, with the product's own
    /// pieces (its outbox and its InfluxDB client; the line building is InfluxLines' code, which is internal). The
    /// delivery loop runs read → build → POST → delete one batch after another, so their sum bounds its rate.
    /// </summary>
    private async Task BreakdownAsync(InfluxServer influx)
    {
        using var dir = new TempDirectory("cc-bench-metrics");
        var configuration = new Dictionary<string, string?>
        {
            ["Metrics:Store"] = MetricsOptions.InfluxDBStore,
            ["Metrics:InfluxDB:Url"] = influx.Url.ToString(),
            ["Metrics:InfluxDB:Database"] = Database,
        };
        await using var host = await MetricsHost.StartAsync(dir.Path, configuration, start: false); // nothing delivers behind our back
        var outbox = host.Get<InfluxOutbox>();
        var http = host.Get<InfluxHttp>();
        var stages = new Dictionary<string, List<double>>(StringComparer.Ordinal)
        {
            ["outbox append (writer)"] = [],
            ["outbox read + parse"] = [],
            ["build line protocol"] = [],
            ["POST /write"] = [],
            ["outbox delete"] = [],
        };
        var runs = settings.Smoke ? 3 : 6;
        for (var run = 0; run < runs; run++)
        {
            var points = Points("breakdown", HttpBatch).ToList();
            var clock = Stopwatch.StartNew();
            await outbox.AppendAsync(points, CancellationToken.None);
            var append = clock.Elapsed.TotalMilliseconds;
            var rows = await outbox.ReadOldestAsync(HttpBatch, CancellationToken.None);
            var read = clock.Elapsed.TotalMilliseconds;
            var lines = rows.Select(r => ToLine(r.Point, (int)(r.Id % 1_000_000))).ToList();
            var build = clock.Elapsed.TotalMilliseconds;
            var written = await http.WriteAsync(lines, CancellationToken.None);
            var post = clock.Elapsed.TotalMilliseconds;
            await outbox.DeleteAsync(rows, CancellationToken.None);
            var delete = clock.Elapsed.TotalMilliseconds;
            if (!written.Succeeded || rows.Count != HttpBatch)
            {
                throw new InvalidOperationException($"Breakdown batch: read {rows.Count} rows, InfluxDB answered {written.Status} {written.Error}");
            }

            if (run == 0)
            {
                continue; // warm-up
            }

            stages["outbox append (writer)"].Add(append);
            stages["outbox read + parse"].Add(read - append);
            stages["build line protocol"].Add(build - read);
            stages["POST /write"].Add(post - build);
            stages["outbox delete"].Add(delete - post);
        }

        var medians = stages.ToDictionary(s => s.Key, s => Distribution.Median(s.Value), StringComparer.Ordinal);
        foreach (var (stage, ms) in medians)
        {
            report.Add(new Figure(Step, $"per {HttpBatch:N0}-point batch: {stage}", ms, "ms", Note: "median"));
        }

        var loop = medians.Where(m => m.Key != "outbox append (writer)").Sum(m => m.Value);
        report.Add(new Figure(Step, "delivery loop bound (5,000 ÷ read+build+POST+delete)", HttpBatch / (loop / 1000), "points/s"));
        report.Detail("metricsBreakdown", stages);
    }

    /// <summary>The product's path, producing as fast as <see cref="IMetricWriter.Write"/> returns.</summary>
    private static async Task<PathResult> ProductPathAsync(InfluxServer influx, string measurement, int n)
    {
        using var dir = new TempDirectory("cc-bench-metrics");

        // The product's defaults (batch 5,000, flush 1 s, buffer 100,000): only where InfluxDB is.
        var configuration = new Dictionary<string, string?>
        {
            ["Metrics:Store"] = MetricsOptions.InfluxDBStore,
            ["Metrics:InfluxDB:Url"] = influx.Url.ToString(),
            ["Metrics:InfluxDB:Database"] = Database,
        };
        await using var host = await MetricsHost.StartAsync(dir.Path, configuration);
        var points = Points(measurement, n).ToList(); // built beforehand: MetricPoint validation is the caller's cost, not the writer's
        var writer = host.Writer;

        var clock = Stopwatch.StartNew();
        foreach (var point in points)
        {
            writer.Write(point);
        }

        var writeLoop = clock.Elapsed;
        await WaitForCountAsync(influx, measurement, n, TimeSpan.FromMinutes(10));
        var elapsed = clock.Elapsed;
        var lag = writer.Lag;
        if (lag.DroppedPoints > 0)
        {
            throw new InvalidOperationException($"The writer dropped {lag.DroppedPoints} points: {lag.LastError}");
        }

        return new PathResult(n, elapsed.TotalMilliseconds, n / elapsed.TotalSeconds, writeLoop.TotalMilliseconds);
    }

    private static async Task<PathResult> PlainHttpAsync(InfluxServer influx, string measurement, int n)
    {
        using var http = new HttpClient { BaseAddress = influx.Url, Timeout = TimeSpan.FromMinutes(1) };
        using (var create = new FormUrlEncodedContent([new("q", $"CREATE DATABASE {Database}")]))
        {
            (await http.PostAsync("query", create)).EnsureSuccessStatusCode();
        }

        // The same line protocol the product sends: PointData's escaping, nanosecond timestamps.
        var bodies = Points(measurement, n)
            .Select((p, i) => ToLine(p, i))
            .Chunk(HttpBatch)
            .Select(lines => Encoding.UTF8.GetBytes(string.Join('\n', lines)))
            .ToList();

        var clock = Stopwatch.StartNew();
        foreach (var body in bodies)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("text/plain") { CharSet = "utf-8" };
            using var response = await http.PostAsync($"write?db={Database}&precision=ns", content);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"influxd answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        var writeLoop = clock.Elapsed;
        await WaitForCountAsync(influx, measurement, n, TimeSpan.FromMinutes(5));
        var elapsed = clock.Elapsed;
        return new PathResult(n, elapsed.TotalMilliseconds, n / elapsed.TotalSeconds, writeLoop.TotalMilliseconds);
    }

    /// <summary>Points shaped like the feed recorder's <c>alert_events</c>: a few hundred series, one point per millisecond.</summary>
    private static IEnumerable<MetricPoint> Points(string measurement, int n)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-1).TruncateToMilliseconds();
        for (var i = 0; i < n; i++)
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["town"] = Towns[i % Towns.Length],
                ["category"] = Categories[i / 7 % Categories.Length],
                ["severity"] = Severities[i / 3 % Severities.Length],
                ["source"] = Sources[i / 11 % Sources.Length],
                ["change"] = "raised",
            };
            yield return MetricPoint.Occurrence(measurement, tags, start.AddMilliseconds(i));
        }
    }

    private static string ToLine(MetricPoint point, int i)
    {
        var data = PointData.Measurement(point.Measurement);
        foreach (var (key, value) in point.Tags)
        {
            data = data.Tag(key, value);
        }

        foreach (var (name, value) in point.Fields)
        {
            data = data.Field(name, value);
        }

        return data.Timestamp((point.Timestamp.ToUnixTimeMilliseconds() * 1_000_000) + (i % 1_000_000), WritePrecision.Ns).ToLineProtocol();
    }

    private static async Task WaitForCountAsync(InfluxServer influx, string measurement, int expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var counted = 0d;
        while (deadline.Elapsed < timeout)
        {
            counted = await influx.ScalarAsync($"SELECT count(\"count\") FROM \"{measurement}\"", Database);
            if (counted >= expected)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"InfluxDB holds {counted:N0} of {expected:N0} points of {measurement} after {timeout}.");
    }

    public sealed record PathResult(int Points, double ElapsedMs, double PointsPerSecond, double WriteLoopMs);
}
