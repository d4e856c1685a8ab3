using System.Diagnostics;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Hotspots;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Supervision;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Benchmarks;

/// <summary>
/// A year of history on the demo city and on a generated 12,000-grid city (1,000,000 alerts, each with its report
/// and audit trail, the last two weeks' partly open): the leaders' pages and the console's first page as their
/// services and queries run them, and the product's start-up to ready on that store.
/// </summary>
/// <remarks>
/// The store is made in-process (the city imported, then <see cref="History"/> written through prepared inserts),
/// the queries timed in-process on it (one warm-up, then the median of three), then the product is started on the
/// same data directory and timed from its process start to its first ready answer.
/// </remarks>
public sealed class HistoryBenchmark(BenchSettings settings, Report report)
{
    private const string Step = "7 history";
    private const int Runs = 3;

    public async Task RunAsync()
    {
        foreach (var (size, alerts) in settings.HistoryCities)
        {
            var name = size is null ? "demo city" : $"{size.Grids:N0} grids";
            name += $", {alerts:N0} alerts";
            var dataDir = new TempDirectory("cc-bench-history");
            try
            {
                await MeasureStoreAsync(dataDir.Path, size, alerts, name);
            }
            catch
            {
                dataDir.Dispose();
                throw;
            }

            // The product deletes the data directory when it is disposed.
            await using var product = await ServerProcess.StartProductAsync(dataDir, size is null ? null : new Dictionary<string, string> { ["SeedDir"] = GeneratedCity.SeedDir(size) });
            report.Add(new Figure(Step, $"start-up to ready, store seeded ({name})", product.StartedIn.TotalMilliseconds, "ms",
                "≤ 10 s", product.StartedIn <= TimeSpan.FromSeconds(10)));
            await MeasureConsoleAsync(product, name);
        }
    }

    /// <summary>The city's duty officer opens the console: navigation to its first rows in Chromium, median of three after one.</summary>
    private async Task MeasureConsoleAsync(ServerProcess product, string name)
    {
        await using var chromium = await Chromium.LaunchAsync();
        var session = await chromium.SignInAsync(product.BaseAddress, "duty");
        var times = new List<double>();
        var total = "";
        for (var i = 0; i <= Runs; i++)
        {
            await using var context = await chromium.NewWallContextAsync(session);
            var page = await context.NewPageAsync();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(product.BaseAddress, "console").ToString(), new() { WaitUntil = Microsoft.Playwright.WaitUntilState.Commit, Timeout = 60_000 });
            await page.WaitForSelectorAsync("[data-testid=queue-row]", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached, Timeout = 60_000 });
            if (i > 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            total = await page.Locator("[data-testid=page-info]").TextContentAsync() ?? "";
        }

        var median = Distribution.Median(times);
        report.Add(new Figure(Step, $"console, navigation → first rows, city duty officer ({total}; {name})", median, "ms", "≤ 1 s", median <= 1_000));
    }

    private async Task MeasureStoreAsync(string dataDir, CitySize? size, int alerts, string name)
    {
        var now = DateTimeOffset.UtcNow; // the product reads the store on the real clock next
        await using var host = await StoreHost.StartAsync(dataDir, new FakeTimeProvider(now), seedDir: size is null ? null : GeneratedCity.SeedDir(size));
        var clock = Stopwatch.StartNew();
        var written = await History.WriteAsync(host.Get<IDbContextFactory<CommandCenterDbContext>>(), host.Get<ReferenceData>(), alerts, now, TimeSpan.FromDays(365));
        Console.WriteLine($"  [{Step}] {name}: wrote {written.Alerts:N0} alerts, {written.Reports:N0} reports, {written.AuditEntries:N0} audit entries in {clock.Elapsed.TotalSeconds:N1} s; {written.Open.Count:N0} open");

        var map = host.Get<ReferenceData>().Map;
        var hottest = written.Open.GroupBy(a => a.GridCode).MaxBy(g => g.Count())!.First();
        var drill = new[] { map.City.Code, hottest.TownCode, hottest.CommunityCode, hottest.GridCode };
        var hotspots = host.Get<HotspotService>();
        foreach (var code in drill)
        {
            var level = map.Find(code)!.Level;
            var median = await TimeAsync(() => hotspots.ViewAsync(code, now.AddDays(-7), now));
            report.Add(new Figure(Step, $"hotspots, {level.ToString().ToLowerInvariant()} step, 7 days ({name})", median, "ms", "≤ 1 s", median <= 1_000));
        }

        var supervision = host.Get<SupervisionService>();
        foreach (var unit in new[] { NodeLevel.Town, NodeLevel.Community })
        {
            var median = await TimeAsync(() => supervision.ReportAsync(map.City.Code, unit, now.AddDays(-30), now));
            report.Add(new Figure(Step, $"supervision, a month by {unit.ToString().ToLowerInvariant()} ({name})", median, "ms", "≤ 2 s", median <= 2_000));
        }

        // The console's first page for the town with the most open alerts, as the page asks: its total, then its rows.
        var town = map.Find(written.Open.GroupBy(a => a.TownCode).MaxBy(g => g.Count())!.Key)!;
        var inTown = written.Open.Count(a => a.TownCode == town.Code);
        var console = await TimeAsync(async () =>
        {
            await using var db = host.NewDbContext();
            var queue = db.Alerts.AsNoTracking().InSubtree(town).WhereOpen();
            return (await queue.CountAsync(), await queue.InUrgencyOrder().Page(0, 50).ToListAsync());
        });
        report.Add(new Figure(Step, $"console query, first page and total, {inTown:N0} open in the town ({name})", console, "ms"));
    }

    private static async Task<double> TimeAsync<T>(Func<Task<T>> run)
    {
        await run();
        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await run();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return Distribution.Median(times);
    }
}
