using System.Net;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Npgsql;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// The network to PostgreSQL goes away while the app runs (a forwarder between them is cut; the server keeps
/// running): requests fail with 503 problem details and Retry-After, nothing half-stored, and once the network is
/// back the same request succeeds without restarting the app.
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

    public void Dispose() => _dir.Dispose();
}
