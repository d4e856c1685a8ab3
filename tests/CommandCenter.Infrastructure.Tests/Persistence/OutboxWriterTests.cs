using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Metrics.InfluxDB;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// Servers sharing a store (either engine) number their metric outboxes from it: each outbox its own writer number, kept in its
/// <c>metrics.db</c> across restarts, so two servers' points of one series and millisecond stay two points.
/// </summary>
public sealed class OutboxWriterTests : IDisposable
{
    private readonly TempDirectory _store = new(), _serverA = new(), _serverB = new();

    [Fact]
    public async Task TwoOutboxesOnOneStore_GetTheirOwnNumbers_AndKeepThemAcrossRestarts()
    {
        await using var store = await StoreHost.StartAsync(_store.Path);

        var a = await Writer(store, _serverA).NumberAsync(CancellationToken.None);
        var b = await Writer(store, _serverB).NumberAsync(CancellationToken.None);
        var aAfterRestart = await Writer(store, _serverA).NumberAsync(CancellationToken.None);

        Assert.Equal((0, 1), (a, b)); // the store's first and second registration
        Assert.Equal(a, aAfterRestart);
        await using var db = store.NewDbContext();
        Assert.Equal([_serverA.Path, _serverB.Path], await db.MetricOutboxes.OrderBy(o => o.Id).Select(o => o.DataDir).ToListAsync());
    }

    [Fact]
    public async Task ANumberKeptFirst_ByAnotherProcessSharingTheDataDirectory_IsTheOneBothUse()
    {
        await using var store = await StoreHost.StartAsync(_store.Path);
        var database = Database(_serverA);
        database.KeepWriterNumber(7); // the other process kept its number between this one's look and its own registration

        Assert.Equal(7, database.KeepWriterNumber(0));
        Assert.Equal(7, await Writer(store, _serverA).NumberAsync(CancellationToken.None));
    }

    public void Dispose()
    {
        _store.Dispose();
        _serverA.Dispose();
        _serverB.Dispose();
    }

    private static OutboxWriter Writer(StoreHost store, TempDirectory dataDir) => new(
        Database(dataDir), store.Get<IDbContextFactory<CommandCenterDbContext>>(), Options(dataDir), store.Time);

    private static MetricsDatabase Database(TempDirectory dataDir) => new(Options(dataDir));

    private static IOptions<StoreOptions> Options(TempDirectory dataDir) =>
        Microsoft.Extensions.Options.Options.Create(new StoreOptions { DataDir = dataDir.Path, SeedDir = DemoCity.SeedDir });
}
