using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Alerts;

/// <summary>
/// Two servers sharing one store: two <see cref="StoreHost"/>s on the same data directory, each with its own
/// services, context factory and in-process gate, as two processes would have. Only the store's write lock keeps
/// their check-then-write apart. Each scenario runs several rounds, in its own grid, to make a race likely.
/// </summary>
public sealed class AlertIngestionAcrossServersTests
{
    private const int Rounds = 5;

    private const int CallsPerServer = 10;

    [Fact]
    public async Task IngestAsync_SameReportOnTwoServersAtOnce_StoresOneAlertWithOneReportAndReturnsItToEveryCall()
    {
        using var dir = new TempDirectory();
        await using var first = await StoreHost.StartAsync(dir.Path);
        await using var second = await StoreHost.StartAsync(dir.Path);
        AlertIngestionService[] servers = [first.Get<AlertIngestionService>(), second.Get<AlertIngestionService>()];

        // A call that throws (e.g. a raw DbUpdateException from the unique report index) fails the test here.
        var rounds = new List<(string Grid, IngestResult[] Results)>();
        foreach (var round in Enumerable.Range(1, Rounds))
        {
            var grid = DemoCity.GridCode(0, 0, round);
            rounds.Add((grid, await IngestOnBothAtOnceAsync(servers, _ => Reports.InGrid(grid, externalId: $"same-{round}"))));
        }

        await using var db = first.NewDbContext();
        Assert.Equal((Rounds, Rounds), (await db.Alerts.CountAsync(), await db.AlertReports.CountAsync()));
        foreach (var (grid, results) in rounds)
        {
            var alertId = await db.Alerts.Where(a => a.GridCode == grid).Select(a => a.Id).SingleAsync();
            Assert.All(results, r => Assert.Equal(alertId, r.Alert.Id));
            Assert.Equal(
                (1, 2 * CallsPerServer - 1),
                (results.Count(r => r.Outcome == IngestOutcome.Created), results.Count(r => r.Outcome == IngestOutcome.Duplicate)));
        }
    }

    [Fact]
    public async Task IngestAsync_DifferentReportsOfTheSameThingOnTwoServersAtOnce_MergeIntoOneAlert()
    {
        using var dir = new TempDirectory();
        await using var first = await StoreHost.StartAsync(dir.Path);
        await using var second = await StoreHost.StartAsync(dir.Path);
        AlertIngestionService[] servers = [first.Get<AlertIngestionService>(), second.Get<AlertIngestionService>()];

        // A call that throws (e.g. a raw DbUpdateConcurrencyException from a lost merge) fails the test here.
        var grids = new List<string>();
        foreach (var round in Enumerable.Range(1, Rounds))
        {
            var grid = DemoCity.GridCode(0, 0, round);
            await IngestOnBothAtOnceAsync(servers, i => Reports.InGrid(grid, externalId: $"storm-{round}-{i}"));
            grids.Add(grid);
        }

        await using var db = first.NewDbContext();
        Assert.Equal(Rounds, await db.Alerts.CountAsync());
        foreach (var grid in grids)
        {
            var alert = await db.Alerts.SingleAsync(a => a.GridCode == grid);
            Assert.Equal(
                (2 * CallsPerServer - 1, 2 * CallsPerServer),
                (alert.RepeatCount, await db.AlertReports.CountAsync(r => r.AlertId == alert.Id)));
        }
    }

    /// <summary>
    /// <see cref="CallsPerServer"/> reports on each server, all started at once; call <c>i</c> (0-based, across both
    /// servers) sends <c>report(i)</c>.
    /// </summary>
    private static Task<IngestResult[]> IngestOnBothAtOnceAsync(AlertIngestionService[] servers, Func<int, NewAlertReport> report) =>
        AtOnce.RunAsync(servers.Length * CallsPerServer, i => servers[i % servers.Length].IngestAsync(report(i), Actors.Hotline));
}
