using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary><see cref="PageCache"/> raises one connection's cache for a bulk write and hands the connection back as it came.</summary>
public sealed class PageCacheTests
{
    [Fact]
    public async Task EnlargeAsync_WhileHeld_RaisesTheCacheAndDisposingRestoresIt()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using var db = host.NewDbContext();
        await db.Database.OpenConnectionAsync();
        var before = await CacheSizeAsync(db);

        long held;
        await using (await PageCache.EnlargeAsync(db, 64, CancellationToken.None))
        {
            held = await CacheSizeAsync(db);
        }

        var after = await CacheSizeAsync(db);
        Assert.Equal((-64L * 1024, before), (held, after));
    }

    private static async Task<long> CacheSizeAsync(DbContext db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA cache_size";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
