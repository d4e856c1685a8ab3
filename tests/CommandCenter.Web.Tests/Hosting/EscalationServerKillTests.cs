using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Npgsql;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// Two server processes on one PostgreSQL, their Quartz schedulers clustered; the alerts' deadlines fall due one after
/// another while server A is killed (SIGKILL) in the middle: every alert is escalated exactly once,
/// some by A before it died and the rest by B, which carries on alone.
/// </summary>
[Trait(TestCategory.Name, TestCategory.PostgreSQL)]
public sealed partial class EscalationServerKillTests : IDisposable
{
    private const int Alerts = 120;
    private const int FirstShare = 20;
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(100);
    private readonly TempDirectory _a = new(), _b = new();

    [Fact]
    public async Task KillingAServerWhileDeadlinesFallDue_EscalatesEveryAlertExactlyOnce()
    {
        var postgres = PostgresServer.Shared;
        var database = postgres.ConnectionString(await postgres.DatabaseForAsync(_a.Path));
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", // the demo city and its API keys; the simulator off
            ["Simulator__Enabled"] = "false",
            ["Store__Provider"] = nameof(StoreProvider.PostgreSQL),
            ["ConnectionStrings__Store"] = database,
        };
        await using var serverA = await ProductProcess.StartAsync(_a.Path, environment); // killed mid-test; disposing again does nothing
        await RaiseAsync(serverA);

        // A alone while the first deadlines fall due (which server of a cluster fires a run is Quartz's choice); once
        // B has joined, the rest are spread from now on and A is killed: however long B took to start, some are to come.
        await SpreadDeadlinesAsync(database, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1), 0, FirstShare);
        await using var serverB = await ProductProcess.StartAsync(_b.Path, environment);
        await WaitAsync(TimeSpan.FromSeconds(30), async () => await ScalarAsync(database, "SELECT count(*) FROM qrtz_scheduler_state") == 2, "both schedulers in the cluster");
        await SpreadDeadlinesAsync(database, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1), FirstShare, Alerts - FirstShare);
        await serverA.DisposeAsync();
        Assert.InRange(await ScalarAsync(database, EscalatedAlerts), 1, Alerts - 1); // mid-run: some escalated, some not yet due

        await WaitAsync(TimeSpan.FromSeconds(90), async () => await ScalarAsync(database, EscalatedAlerts) == Alerts, "every alert escalated");
        await Task.Delay(TimeSpan.FromSeconds(3)); // another run or two of the job: nothing more may happen
        Assert.Equal(Alerts, await ScalarAsync(database, """SELECT count(*) FROM "AuditEntries" WHERE "Subject" = 'Alert' AND "Action" = 'Escalated'"""));
        Assert.Equal(0, await ScalarAsync(database, """SELECT count(*) FROM "Alerts" WHERE "EscalationLevel" <> 1"""));

        // Both servers did part of the work. The logs may miss A's last run (killed before its line was written), so
        // the exact count is the store's; the logs only must not claim more than there was.
        var (byA, byB) = (Escalated(_a), Escalated(_b));
        Assert.True(byA > 0, "Server A escalated nothing before it was killed.");
        Assert.True(byB > 0, "Server B escalated nothing: it did not take over.");
        Assert.InRange(byA + byB, 1, Alerts);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private const string EscalatedAlerts = """SELECT count(*) FROM "Alerts" WHERE "EscalationLevel" > 0""";

    /// <summary>Raises one alert in each of <see cref="Alerts"/> grids.</summary>
    private static async Task RaiseAsync(ProductProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        for (var i = 0; i < Alerts; i++)
        {
            var report = AlertRequests.Valid($"kill-escalation-{i}", DemoCity.GridCode(i / 50, i / 10 % 5, 1 + (i % 10)));
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/alerts") { Content = JsonContent.Create(report, options: CommandCenterApp.Json) };
            request.Headers.Add(CommandCenter.Web.Access.ApiKeys.Header, "demo-key-gridworker");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    /// <summary>
    /// Moves the acknowledge deadlines (minutes away, by the policy) of alerts <paramref name="skip"/> + 1 to
    /// <paramref name="skip"/> + <paramref name="take"/> (in id order) to <paramref name="first"/> and one
    /// <see cref="Spacing"/> after another, so runs of the job keep finding a few newly due.
    /// </summary>
    private static async Task SpreadDeadlinesAsync(string database, DateTimeOffset first, int skip, int take)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            UPDATE "Alerts" SET "StageDeadline" = @first + (ordered.n - @skip - 1) * @spacing
            FROM (SELECT "Id", row_number() OVER (ORDER BY "Id") AS n FROM "Alerts") AS ordered
            WHERE "Alerts"."Id" = ordered."Id" AND ordered.n > @skip AND ordered.n <= @skip + @take
            """, connection);
        command.Parameters.AddWithValue("first", first.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("spacing", (long)Spacing.TotalMilliseconds);
        command.Parameters.AddWithValue("skip", (long)skip);
        command.Parameters.AddWithValue("take", (long)take);
        Assert.Equal(take, await command.ExecuteNonQueryAsync());
    }

    /// <summary>The alerts a server's log says it escalated ("Escalated N overdue alerts", one line per run).</summary>
    private static int Escalated(TempDirectory dataDir)
    {
        var logs = Path.Combine(dataDir.Path, "logs");
        return !Directory.Exists(logs) ? 0 : Directory.GetFiles(logs)
            .SelectMany(file =>
            {
                using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                return reader.ReadToEnd().Split('\n');
            })
            .Select(line => EscalatedLine().Match(line))
            .Where(match => match.Success)
            .Sum(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitAsync(TimeSpan limit, Func<Task<bool>> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < limit, $"Not within {limit.TotalSeconds:0} s: {what}.");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"Escalated (\d+) overdue alerts")]
    private static partial Regex EscalatedLine();
}
