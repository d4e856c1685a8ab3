using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Testing;
using CommandCenter.Web.Access;
using Microsoft.Playwright;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Issue 6 item 2: from <c>POST /api/v1/alerts</c> to the alert's row (<c>data-alert-id</c>) appearing in the live
/// feed of real walls — Chromium pages signed in as <c>wall</c> on <c>/wall</c>, each with a MutationObserver that
/// stamps the first time it sees each alert id (<c>performance.timeOrigin + performance.now()</c>, the same wall
/// clock the harness stamps the POST with). Alerts go in at a steady, modest rate in distinct grids and categories.
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

    public async Task RunAsync()
    {
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
                await page.EvaluateAsync(Observer);
                pages.Add(page);
            }

            Console.WriteLine($"[{Step}] {pages.Count} walls live; posting {settings.WallAlerts} alerts at {settings.WallRate}/s");
            var sent = await PostAsync(product.BaseAddress);
            await Task.Delay(TimeSpan.FromSeconds(settings.Smoke ? 1 : 3)); // the last rows render within a throttle interval

            var latencies = new List<double>();
            var lost = 0;
            foreach (var page in pages)
            {
                var seen = await page.EvaluateAsync<Dictionary<string, double>>("() => window.__seen");
                foreach (var (id, at) in sent)
                {
                    if (seen.TryGetValue(id, out var shown) && shown > 0)
                    {
                        latencies.Add(shown - at);
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
            report.Detail("wall", new { pages = pages.Count, alerts = sent.Count, rate = settings.WallRate, latency, lost });
        }
        finally
        {
            foreach (var context in contexts)
            {
                await context.CloseAsync();
            }
        }
    }

    /// <summary>Posts the alerts one after another on schedule; returns each alert's id and its send time (Unix ms).</summary>
    private async Task<List<(string Id, double SentAt)>> PostAsync(Uri baseAddress)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Add(ApiKeys.Header, AlertLoad.ApiKey);
        var sent = new List<(string, double)>();
        var interval = TimeSpan.FromSeconds(1 / settings.WallRate);
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < settings.WallAlerts; i++)
        {
            var due = start + (interval * i);
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
            sent.Add((created.RootElement.GetProperty("id").GetString()!, at));
        }

        return sent;
    }
}
