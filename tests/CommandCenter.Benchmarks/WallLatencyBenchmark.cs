using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Testing;
using CommandCenter.Web.Access;
using Microsoft.Playwright;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Goal: p99 ≤ 500 ms from <c>POST /api/v1/alerts</c> to the alert's row (<c>data-alert-id</c>) appearing in the live
/// feed of real walls — Chromium pages signed in as <c>wall</c> on <c>/wall</c>, each with a MutationObserver that
/// stamps the first time it sees each alert id (<c>performance.timeOrigin + performance.now()</c>, the same wall
/// clock the harness stamps the POST with). Alerts go in at a steady, modest rate in distinct grids and categories,
/// after a warm-up at the same rate whose rows are not stamped (<see cref="BenchSettings.WallWarmUpAlerts"/>).
/// </summary>
public sealed class WallLatencyBenchmark(BenchSettings settings, Report report, Products products)
{
    private const string Step = "4 ingest→wall";

    private const string Observer = """
        () => {
            window.__seen = {};
            const stamp = node => {
                if (node.nodeType !== 1) return;
                const at = performance.timeOrigin + performance.now();
                const rows = node.matches('[data-alert-id]') ? [node] : [];
                rows.push(...node.querySelectorAll('[data-alert-id]'));
                for (const row of rows) {
                    const id = row.getAttribute('data-alert-id');
                    if (!(id in window.__seen)) window.__seen[id] = at;
                }
            };
            document.querySelectorAll('[data-alert-id]').forEach(row => window.__seen[row.getAttribute('data-alert-id')] = 0);
            new MutationObserver(changes => {
                for (const change of changes) {
                    change.addedNodes.forEach(stamp);
                    if (change.type === 'attributes') stamp(change.target);
                }
            }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-alert-id'] });
        }
        """;

    /// <summary>Alert i's grid (and so its grid and category) comes round again only after this many: more would merge.</summary>
    private const int DistinctPlaces = 300;

    public async Task RunAsync()
    {
        if (settings.WallAlerts + settings.WallWarmUpAlerts > DistinctPlaces)
        {
            throw new InvalidOperationException($"At most {DistinctPlaces} wall alerts, warm-up included: after that they merge into earlier ones and never get rows of their own.");
        }

        await using var lease = await products.StartAsync();
        var product = lease.Server;
        await using var chromium = await Chromium.LaunchAsync();
        var session = await chromium.SignInAsync(product.BaseAddress, "wall");
        var pages = new List<IPage>();
        var contexts = new List<IBrowserContext>();
        try
        {
            for (var i = 0; i < settings.WallPages; i++)
            {
                var context = await chromium.NewWallContextAsync(session);
                contexts.Add(context);
                var page = await context.NewPageAsync();
                await page.GotoAsync(new Uri(product.BaseAddress, "wall").ToString());
                await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 60_000 });
                pages.Add(page);
            }

            var warmUp = await PostAsync(product.BaseAddress, first: settings.WallAlerts, settings.WallWarmUpAlerts); // other grids than the measured ones: nothing merges
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{Step}] {pages.Count} walls live; warm-up: {warmUp.Count} alerts at {settings.WallRate}/s, not stamped (POSTs took {string.Join(' ', warmUp.Select(s => s.PostMs.ToString("0", CultureInfo.InvariantCulture)))} ms)"));
            await Task.Delay(TimeSpan.FromSeconds(1)); // their rows render within a throttle interval, and are then marked as seen
            foreach (var page in pages)
            {
                await page.EvaluateAsync(Observer);
            }

            Console.WriteLine($"[{Step}] posting {settings.WallAlerts} alerts at {settings.WallRate}/s");
            var sent = await PostAsync(product.BaseAddress, first: 0, settings.WallAlerts);
            await Task.Delay(TimeSpan.FromSeconds(settings.Smoke ? 1 : 3)); // the last rows render within a throttle interval

            var latencies = new List<double>();
            var slowestWall = new double[sent.Count]; // per alert in the order posted: is the tail a few alerts late everywhere, or spread?
            var lost = 0;
            foreach (var page in pages)
            {
                var seen = await page.EvaluateAsync<Dictionary<string, double>>("() => window.__seen");
                for (var i = 0; i < sent.Count; i++)
                {
                    var (id, at, _) = sent[i];
                    if (seen.TryGetValue(id, out var shown) && shown > 0)
                    {
                        latencies.Add(shown - at);
                        slowestWall[i] = Math.Max(slowestWall[i], shown - at);
                    }
                    else
                    {
                        lost++;
                    }
                }
            }

            var latency = Distribution.Of([.. latencies]);
            report.Add(new Figure(Step, $"p50, {pages.Count} walls, {settings.WallRate:0.#} alerts/s", latency.P50, "ms"));
            report.Add(new Figure(Step, $"p99, {pages.Count} walls, {settings.WallRate:0.#} alerts/s", latency.P99, "ms", "≤ 500 ms", latency.P99 <= 500 && lost == 0,
                string.Create(CultureInfo.InvariantCulture, $"{sent.Count} alerts × {pages.Count} walls; max {latency.Max:0}; not shown {lost}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{Step}] per alert in the order posted, ms: slowest wall {string.Join(' ', slowestWall.Select(ms => ms.ToString("0", CultureInfo.InvariantCulture)))}; POST {string.Join(' ', sent.Select(s => s.PostMs.ToString("0", CultureInfo.InvariantCulture)))}"));
            report.Detail("wall", new
            {
                pages = pages.Count, alerts = sent.Count, rate = settings.WallRate, latency, lost,
                warmUpPostMs = warmUp.Select(s => s.PostMs), slowestWallMs = slowestWall, postMs = sent.Select(s => s.PostMs),
            });
        }
        finally
        {
            foreach (var context in contexts)
            {
                await context.CloseAsync();
            }
        }
    }

    /// <summary>Posts alerts <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 (the number picks grid and category) one after another on schedule; returns each alert's id, its send time (Unix ms) and how long its POST took.</summary>
    private async Task<List<(string Id, double SentAt, double PostMs)>> PostAsync(Uri baseAddress, int first, int count)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Add(ApiKeys.Header, AlertLoad.ApiKey);
        var sent = new List<(string, double, double)>();
        var interval = TimeSpan.FromSeconds(1 / settings.WallRate);
        var start = DateTimeOffset.UtcNow;
        for (var i = first; i < first + count; i++)
        {
            var due = start + (interval * (i - first));
            if (due - DateTimeOffset.UtcNow is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait);
            }

            var body = new
            {
                source = "gridWorker",
                externalId = $"wall-{Guid.NewGuid():N}",
                category = i % 2 == 0 ? "0301" : "0302",
                severity = "major",
                gridCode = DemoCity.GridCode(i % 6, i / 6 % 5, 1 + (i / 30 % 10)),
                occurredAt = DateTimeOffset.UtcNow.AddSeconds(-1),
                title = $"压测上墙 #{i}",
            };
            var at = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
            using var response = await http.PostAsJsonAsync("api/v1/alerts", body);
            response.EnsureSuccessStatusCode();
            using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            sent.Add((created.RootElement.GetProperty("id").GetString()!, at, (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds - at));
        }

        return sent;
    }
}
