using System.Net;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Npgsql;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// The network to PostgreSQL goes away while the app runs (a forwarder between them is cut; the server keeps
/// running): requests fail with 503 problem details and Retry-After, nothing half-stored, and once the network is
/// back the same request succeeds without restarting the app; told to stop while it is away, the server still stops.
/// </summary>
[Trait(TestCategory.Name, TestCategory.PostgreSQL)]
public sealed class LostStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task LosingTheDatabaseMidRun_Answers503_AndRecoversByItself()
    {
        var server = PostgresServer.Shared;
        await using var network = new TcpCutter(server.Port);
        var database = await server.DatabaseForAsync(_dir.Path);
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString(database)) { Port = network.Port, Timeout = 3, CommandTimeout = 5 };
        // The system clock: Quartz waits between retries of a job-store call the cut broke, and on a fake clock that
        // nobody moves those waits never end, so the app could not stop.
        await using var app = new CommandCenterApp(_dir.Path, realTime: true, settings: new Dictionary<string, string?>
        {
            ["Store:Provider"] = nameof(StoreProvider.PostgreSQL),
            ["ConnectionStrings:Store"] = connection.ConnectionString,
        });
        Assert.Equal(HttpStatusCode.Created, (await app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("before"))).StatusCode);

        network.Cut();
        var lost = await app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("during"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        Assert.Equal("application/problem+json", lost.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Nothing from this request was stored", await lost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(5), lost.Headers.RetryAfter?.Delta);

        network.Restore();
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 20 && (statuses.Count == 0 || statuses[^1] == HttpStatusCode.ServiceUnavailable); attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(250);
            }

            statuses.Add((await app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("during"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, statuses[^1]); // merged into the alert "before" raised: same grid and category
        Assert.All(statuses[..^1], status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status)); // never a 500 on the way back
        await using var db = app.NewDbContext();
        Assert.Equal(2, db.AlertReports.Count(r => r.ExternalId == "before" || r.ExternalId == "during"));
    }

    /// <summary>
    /// A server told to stop (SIGTERM: an upgrade, a failover) while its database is out of reach ends within its
    /// shutdown timeout (3 s here). The job scheduler retries an unreachable store for ever, and waiting for it kept a
    /// stopped server running until it was killed.
    /// </summary>
    [Fact]
    public async Task StoppingWhileTheDatabaseIsAway_EndsWithinTheShutdownTimeout()
    {
        var server = PostgresServer.StartDurable(); // its own: this test stops it
        try
        {
            await server.CreateAsync("cc_stop");
            await using var product = await ProductProcess.StartAsync(_dir.Path, new Dictionary<string, string?>
            {
                ["Store__Provider"] = nameof(StoreProvider.PostgreSQL),
                ["ConnectionStrings__Store"] = server.ConnectionString("cc_stop"),
                ["DOTNET_shutdownTimeoutSeconds"] = "3",
            });

            await Task.Delay(TimeSpan.FromSeconds(10)); // the scheduler at work: its jobs and cluster check-ins running
            server.Dispose();
            await Task.Delay(TimeSpan.FromSeconds(3)); // they find the store gone and start retrying it
            var exitCode = await product.StopAsync(TimeSpan.FromSeconds(20));

            Assert.True(exitCode == 0, $"The server had not stopped 20 s after SIGTERM (exit code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}):{Environment.NewLine}{product.Output}");
        }
        finally
        {
            server.Dispose();
        }
    }

    public void Dispose() => _dir.Dispose();
}
