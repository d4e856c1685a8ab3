using System.Net;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// Two app servers on one PostgreSQL database, their Quartz schedulers clustered on it: every overdue alert climbs
/// one rung per missed deadline, exactly once, while both run and after one of them is gone.
/// </summary>
[Trait(TestCategory.Name, TestCategory.PostgreSQL)]
public sealed class ClusteredEscalationTests : IDisposable
{
    private const int Alerts = 30;
    private readonly TempDirectory _a = new(), _b = new();

    [Fact]
    public async Task TwoServers_EscalateEachOverdueAlertOnceARung_AndOneCarriesOnWhenTheOtherStops()
    {
        var server = PostgresServer.Shared;
        var database = server.ConnectionString(await server.DatabaseForAsync(_a.Path));
        var settings = new Dictionary<string, string?> { ["Store:Provider"] = nameof(StoreProvider.PostgreSQL), ["ConnectionStrings:Store"] = database };
        var time = new FakeTimeProvider(StoreHost.Start);
        await using var b = new CommandCenterApp(_b.Path, time, settings);
        var a = new CommandCenterApp(_a.Path, time, settings);
        try
        {
            await WaitAsync(time, async () => await SchedulersAsync(database) == 2, "both schedulers joined the cluster");
            await RaiseAsync(a, b, "first", ["0301", "0101"]);
            await MissTheDeadlinesAsync(b, time);
            await WaitAsync(time, async () => await RungsAsync(b) is { Count: Alerts } rungs && rungs.All(r => r == 1), "every alert escalated once");
        }
        finally
        {
            a.Dispose(); // server A stops; B is left alone in the cluster
        }

        await RaiseAsync(b, b, "second", ["0201", "0102"]);
        await MissTheDeadlinesAsync(b, time);
        await WaitAsync(time, async () => await RungsAsync(b) is { Count: 2 * Alerts } rungs && rungs.All(r => r == 1), "the second batch escalated by B alone");
        Assert.All(await EscalationsPerAlertAsync(b), count => Assert.Equal(1, count)); // each missed deadline escalated exactly once
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    /// <summary>Posts <see cref="Alerts"/> reports in distinct grids, in turn to each server.</summary>
    private static async Task RaiseAsync(CommandCenterApp first, CommandCenterApp second, string batch, string[] categories)
    {
        for (var i = 0; i < Alerts; i++)
        {
            var app = i % 2 == 0 ? first : second;
            var report = AlertRequests.Valid($"{batch}-{i}", DemoCity.GridCode(i % 6, i % 5, 1 + i % 10), category: categories[i * categories.Length / Alerts]);
            Assert.Equal(HttpStatusCode.Created, (await app.PostJsonAsync("/api/v1/alerts", report)).StatusCode);
        }
    }

    /// <summary>Moves the shared clock a second past the latest deadline of the alerts not yet escalated.</summary>
    private static async Task MissTheDeadlinesAsync(CommandCenterApp app, FakeTimeProvider time)
    {
        await using var db = app.NewDbContext();
        var latest = (await db.Alerts.Where(a => a.EscalationLevel == 0).Select(a => a.StageDeadline).ToListAsync()).Max()!.Value;
        var earliestNext = latest + TimeSpan.FromSeconds(1);
        Assert.True(earliestNext > time.GetUtcNow());
        time.SetUtcNow(earliestNext);
    }

    private static async Task<List<int>> RungsAsync(CommandCenterApp app)
    {
        await using var db = app.NewDbContext();
        return await db.Alerts.Select(a => a.EscalationLevel).ToListAsync();
    }

    private static async Task<List<int>> EscalationsPerAlertAsync(CommandCenterApp app)
    {
        await using var db = app.NewDbContext();
        var ids = await db.Alerts.Select(a => a.Id).ToListAsync();
        var entries = await db.AuditEntries.Where(e => e.Subject == AuditSubject.Alert && e.Action == AuditAction.Escalated).Select(e => e.SubjectId).ToListAsync();
        return [.. ids.Select(id => entries.Count(e => e == id.ToString()))];
    }

    private static async Task<long> SchedulersAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM qrtz_scheduler_state", connection);
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>
    /// Waits for <paramref name="done"/>, the shared fake clock ticking a second each tenth of a real second: Quartz
    /// fires by the app's clock, so a clock that stood still would never bring the next run.
    /// </summary>
    private static async Task WaitAsync(FakeTimeProvider time, Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within 30 s: {what}.");
            await Task.Delay(100);
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }
}
