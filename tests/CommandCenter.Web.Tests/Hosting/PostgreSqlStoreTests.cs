using System.Net;
using System.Net.Http.Json;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// The product on PostgreSQL (a server of the test run's own): it migrates an empty database at start-up, seeds the
/// demo city, takes a report through the API and finds it again after a restart, as on SQLite.
/// </summary>
[Trait(TestCategory.Name, TestCategory.PostgreSQL)]
public sealed class PostgreSqlStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task EmptyDatabase_IsMigratedAndSeeded_AndAReportSurvivesARestart()
    {
        var server = PostgresServer.Shared;
        var database = await server.DatabaseForAsync(_dir.Path);
        var settings = new Dictionary<string, string?>
        {
            ["Store:Provider"] = nameof(StoreProvider.PostgreSQL),
            ["ConnectionStrings:Store"] = server.ConnectionString(database),
        };

        Guid id;
        await using (var first = new CommandCenterApp(_dir.Path, settings: settings))
        {
            await using (var db = first.NewDbContext())
            {
                Assert.True(db.Database.IsNpgsql());
                Assert.Equal(300, await db.Nodes.CountAsync(n => n.Level == Core.Hierarchy.NodeLevel.Grid));
            }

            var posted = await first.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("pg-1"));
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            id = (await posted.Content.ReadFromJsonAsync<IdOnly>(CommandCenterApp.Json))!.Id;
        }

        await using var second = new CommandCenterApp(_dir.Path, settings: settings);
        var reader = await second.CityReaderAsync();
        var alert = await reader.GetFromJsonAsync<IdOnly>($"/api/v1/alerts/{id}", CommandCenterApp.Json);
        Assert.Equal(id, alert!.Id);
        var again = await second.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("pg-1"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the same external id: stored once
    }

    public void Dispose() => _dir.Dispose();

    private sealed record IdOnly(Guid Id);
}
