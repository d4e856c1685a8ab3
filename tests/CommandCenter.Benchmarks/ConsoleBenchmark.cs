using System.Diagnostics;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace CommandCenter.Benchmarks;

/// <summary>
/// The staff console with thousands of open alerts in the operator's town, on the demo city (300 grids) and on a
/// generated large one (12,000 grids): what the town's staff wait for, from navigation to the queue's first rows
/// visible in Chromium, and from "next page" to the next page's rows.
/// </summary>
/// <remarks>
/// The open alerts are written into the store before the product starts (through the product's prepared insert,
/// as the history step does), then the product is started on that data directory. Each figure is the median of
/// several navigations in fresh contexts of a signed-in session, after one that warms the product up.
/// </remarks>
public sealed class ConsoleBenchmark(BenchSettings settings, Report report)
{
    private const string Step = "8 console";

    /// <summary>湖滨街道 in the demo city and the first town of a generated one: where the demo user staff-hubin works.</summary>
    private const string Town = "330188001";

    private const string User = "staff-hubin";

    public async Task RunAsync()
    {
        foreach (var size in settings.ConsoleCities)
        {
            var name = size is null ? "demo city" : $"{size.Grids:N0} grids";
            var clock = Stopwatch.StartNew();
            var dataDir = new TempDirectory("cc-bench-console");
            try
            {
                await SeedAsync(dataDir.Path, size);
            }
            catch
            {
                dataDir.Dispose();
                throw;
            }

            // The product deletes the data directory when it is disposed.
            await using var product = await ServerProcess.StartProductAsync(dataDir, size is null ? null : new Dictionary<string, string> { ["SeedDir"] = GeneratedCity.SeedDir(size) });
            Console.WriteLine($"  [{Step}] product with the {name} and {settings.ConsoleOpenAlerts:N0} open alerts in {Town} ready after {clock.Elapsed.TotalSeconds:N1} s");
            await MeasureAsync(product, name);
        }
    }

    private async Task SeedAsync(string dataDir, CitySize? size)
    {
        var now = DateTimeOffset.UtcNow; // the product reads the store on the real clock next
        await using var host = await StoreHost.StartAsync(dataDir, new FakeTimeProvider(now), seedDir: size is null ? null : GeneratedCity.SeedDir(size));
        var reference = host.Get<ReferenceData>();
        var grids = reference.Map.Grids.Where(g => reference.Map.IsWithin(g.Code, Town)).Select(g => g.Code).ToList();
        if (grids.Count == 0)
        {
            throw new InvalidOperationException($"The city has no town {Town}: the console step needs the town of its demo user {User}.");
        }

        await BulkAlerts.InsertAsync(host.Get<IDbContextFactory<CommandCenterDbContext>>(), reference, grids, settings.ConsoleOpenAlerts, now);
    }

    private async Task MeasureAsync(ServerProcess product, string name)
    {
        await using var chromium = await Chromium.LaunchAsync();
        var session = await chromium.SignInAsync(product.BaseAddress, User);
        var firstRows = new List<double>();
        var live = new List<double>();
        var nextPage = new List<double>();
        var total = "";
        for (var i = 0; i <= settings.ConsoleRuns; i++) // the first warms the product up and is not counted
        {
            await using var context = await chromium.NewWallContextAsync(session);
            var page = await context.NewPageAsync();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(product.BaseAddress, "console").ToString(), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
            await page.WaitForSelectorAsync("[data-testid=queue-row]", new() { State = WaitForSelectorState.Visible, Timeout = 60_000 });
            var rowsVisible = clock.Elapsed.TotalMilliseconds;
            await page.WaitForSelectorAsync("[data-circuit=live]", new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            var isLive = clock.Elapsed.TotalMilliseconds;
            total = await page.Locator("[data-testid=page-info]").TextContentAsync() ?? "";

            // The next page is a round trip on the circuit: the click, the query, the rows of page 2 in the DOM.
            var info = page.Locator("[data-testid=page-info]");
            clock.Restart();
            await page.Locator("[data-testid=page-next]").ClickAsync();
            await Assertions.Expect(info).Not.ToHaveTextAsync(total, new() { Timeout = 60_000 });
            var next = clock.Elapsed.TotalMilliseconds;
            if (i > 0)
            {
                firstRows.Add(rowsVisible);
                live.Add(isLive);
                nextPage.Add(next);
            }
        }

        var median = Distribution.Median(firstRows);
        var label = $"{settings.ConsoleOpenAlerts:N0} open in the town, {name}; shown: {total}";
        report.Add(new Figure(Step, $"console, navigation → first rows visible ({label}; median of {firstRows.Count})", median, "ms", "≤ 1 s", median <= 1_000));
        report.Add(new Figure(Step, $"console, navigation → first rows and live ({label}; median of {live.Count})", Distribution.Median(live), "ms"));
        report.Add(new Figure(Step, $"console, next page → its rows ({label}; median of {nextPage.Count})", Distribution.Median(nextPage), "ms"));
    }
}
