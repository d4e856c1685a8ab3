using System.Diagnostics;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Goal: ≤ 200 ms for one run of the overdue scan (<see cref="EscalationService.EscalateDueAsync"/>, what
/// <see cref="OverdueEscalationJob"/> runs every 2 s) over a store holding N open alerts, seeded straight into a fresh
/// SQLite file. Three situations: nothing overdue (the common case), most (90 %) overdue and not yet escalated (a
/// restart after downtime, a storm), and the same 90 % already escalated (every run after that, until someone acts).
/// Each is timed on its first run in the process and as the median of warm runs; the store is restored from a copy
/// before each run that changes it.
/// </summary>
public sealed class EscalationBenchmark(BenchSettings settings, Report report)
{
    private const string Step = "2 escalation";
    private const double OverdueShare = 0.9;
    private const string Goal = "≤ 200 ms";

    public async Task RunAsync()
    {
        var n = settings.EscalationAlerts;
        var details = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var overdue in new[] { false, true })
        {
            using var dir = new TempDirectory("cc-bench-escalation");
            await using var store = await StoreHost.StartAsync(dir.Path);
            var reference = store.Get<ReferenceData>();
            var now = store.Time.GetUtcNow();
            var alerts = Alerts(reference, now, n, overdue ? OverdueShare : 0).ToList();
            var expected = alerts.Count(a => a.StageDeadline <= now);

            var seeding = Stopwatch.StartNew();
            await using (var db = store.NewDbContext())
            {
                BulkInsert.Insert(db, alerts);
            }

            Console.WriteLine($"[{Step}] seeded {n:N0} open alerts ({expected:N0} overdue) in {seeding.ElapsedMilliseconds:N0} ms");
            if (settings.WhatIfEscalationIndex)
            {
                // The filter spelled as EF writes the scan's WHERE clause, or SQLite would not use the index.
                await using var db = store.NewDbContext();
                await db.Database.ExecuteSqlRawAsync(
                    "CREATE INDEX IX_WhatIf_EscalationDue ON Alerts (StageDeadline) WHERE \"EscalatedDeadline\" IS NULL OR \"EscalatedDeadline\" < \"StageDeadline\"");
                Console.WriteLine($"[{Step}] what-if: added a partial index on alerts not yet escalated for their deadline");
            }

            var database = store.Get<IOptions<StoreOptions>>().Value.DatabasePath;
            var template = Path.Combine(dir.Path, "template.db");
            Snapshot(database, template);
            var escalation = store.Get<EscalationService>();

            var first = await TimeAsync(escalation, expected);
            // Escalating most of them is slow (minutes at full size): fewer warm runs there.
            var warm = new List<double>();
            for (var run = 0; run < (overdue ? settings.EscalationWarmRuns / 2 : settings.EscalationWarmRuns); run++)
            {
                if (overdue)
                {
                    Restore(template, database);
                }

                warm.Add((await TimeAsync(escalation, expected)).Milliseconds);
            }

            var label = (overdue ? $"{OverdueShare:P0} overdue, escalating them" : "none overdue") + (settings.WhatIfEscalationIndex ? " [what-if index]" : "");
            report.Add(new Figure(Step, $"scan of {n:N0} open alerts, {label}: first run", first.Milliseconds, "ms"));
            report.Add(new Figure(Step, $"scan of {n:N0} open alerts, {label}: warm median", Distribution.Median(warm), "ms", Goal, Distribution.Median(warm) <= 200));
            details[overdue ? "mostOverdue" : "noneOverdue"] = new { alerts = n, overdue = expected, firstMs = first.Milliseconds, warmMs = warm };

            if (overdue)
            {
                // After escalating, the 90 % stay open and overdue: every later run walks them again and escalates nothing.
                var steady = new List<double>();
                for (var run = 0; run < settings.EscalationWarmRuns; run++)
                {
                    steady.Add((await TimeAsync(escalation, 0)).Milliseconds);
                }

                report.Add(new Figure(Step, $"scan of {n:N0} open alerts, {label.Replace("escalating them", "already escalated", StringComparison.Ordinal)}: warm median",
                    Distribution.Median(steady), "ms", Goal, Distribution.Median(steady) <= 200));
                details["mostOverdueAlreadyEscalated"] = new { alerts = n, warmMs = steady };
            }
        }

        report.Detail("escalation", details);
    }

    private static async Task<(double Milliseconds, int Escalated)> TimeAsync(EscalationService escalation, int expected)
    {
        var clock = Stopwatch.StartNew();
        var escalated = await escalation.EscalateDueAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (escalated != expected)
        {
            throw new InvalidOperationException($"The scan escalated {escalated} alerts; {expected} were due.");
        }

        return (elapsed, escalated);
    }

    /// <summary>Open alerts spread over every grid, leaf category and severity; a share of them past their acknowledge deadline.</summary>
    private static IEnumerable<Alert> Alerts(ReferenceData reference, DateTimeOffset now, int n, double overdueShare)
    {
        var grids = Enumerable.Range(0, 6)
            .SelectMany(t => Enumerable.Range(0, 5).SelectMany(c => Enumerable.Range(1, 10).Select(g => DemoCity.GridCode(t, c, g))))
            .ToArray();
        var categories = reference.Categories.All.Where(c => !reference.Categories.ChildrenOf(c.Code).Any()).Select(c => c.Code).ToArray();
        Severity[] severities = [Severity.General, Severity.Major, Severity.Serious, Severity.Critical];
        var policy = reference.CurrentPolicy;
        var overdueEvery = overdueShare <= 0 ? int.MaxValue : (int)Math.Round(1 / (1 - overdueShare));
        for (var i = 0; i < n; i++)
        {
            var grid = grids[i % grids.Length];
            var category = categories[i / grids.Length % categories.Length];
            var severity = severities[i / 7 % severities.Length];
            if (overdueShare > 0 && i % overdueEvery != 0)
            {
                yield return OverdueAlerts.Replay(reference, grid, rungs: 0, TimeSpan.FromMinutes(1 + (i % 120)), now, severity: severity, category: category, title: $"压测超时 #{i}");
                continue;
            }

            // Reported within the last minute: every acknowledge deadline is longer than that.
            var at = now.AddSeconds(-(i % 60));
            var report = new NewAlertReport(AlertSource.Hotline, $"bench-{i}", category, severity, grid, null, at, $"压测 #{i}");
            yield return Alert.Raise(report, reference.Map.PathOf(grid), policy.Version, false,
                policy.DeadlinesFor(category, severity, reference.Categories), Guid.CreateVersion7(at), at);
        }
    }

    private static void Snapshot(string database, string copy)
    {
        using (var connection = new SqliteConnection($"Data Source={database}"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        File.Copy(database, copy, overwrite: true);
    }

    private static void Restore(string copy, string database)
    {
        SqliteConnection.ClearAllPools();
        File.Delete(database + "-wal");
        File.Delete(database + "-shm");
        File.Copy(copy, database, overwrite: true);
    }
}
