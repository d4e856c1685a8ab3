using System.Data.Common;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// Every connection the product opens to its stores lets SQLite wait for a held lock (<c>busy_timeout</c>), so a writer
/// that meets another's transaction goes on as soon as it ends — not after Microsoft.Data.Sqlite's fixed 150 ms retry
/// sleep, which the performance harness saw as stalls of 150–370 ms whenever a job's transaction met a report.
/// </summary>
public sealed class LockWaitTests
{
    private const long Expected = LockWaits.Seconds * 1000L;

    [Fact]
    public async Task ContextsFromTheProductsFactory_WaitForHeldLocks()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await using var db = await host.Get<IDbContextFactory<CommandCenterDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();

        Assert.Equal(Expected, await BusyTimeoutAsync(db.Database.GetDbConnection()));
    }

    /// <summary>The setting lives on SQLite's native connection: one opened later, after the pool let the first go, needs it too.</summary>
    [Fact]
    public async Task AConnectionOpenedAfterTheNativePoolWasCleared_StillWaitsForHeldLocks()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var contexts = host.Get<IDbContextFactory<CommandCenterDbContext>>();
        await using (var first = await contexts.CreateDbContextAsync())
        {
            await first.Alerts.CountAsync(); // opens and closes the connection
        }

        SqliteConnection.ClearAllPools(); // the next open gets a new native connection
        await using var again = await contexts.CreateDbContextAsync();
        await again.Database.OpenConnectionAsync();

        Assert.Equal(Expected, await BusyTimeoutAsync(again.Database.GetDbConnection()));
    }

    [Fact]
    public async Task MetricsDatabaseConnections_WaitForHeldLocks()
    {
        using var dir = new TempDirectory();
        await using var host = await MetricsHost.StartAsync(dir.Path, MetricsHost.EmbeddedSettings(), start: false);

        await using var connection = host.Get<MetricsDatabase>().Open();

        Assert.Equal(Expected, await BusyTimeoutAsync(connection));
    }

    private static async Task<long> BusyTimeoutAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
