using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Metrics.InfluxDB;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// Servers sharing a store (either engine) number their metric outboxes from it: each live outbox its own writer
/// number, kept in its <c>metrics.db</c> across restarts, so two servers' points of one series and millisecond stay
/// two points — however many outboxes have come and gone.
/// </summary>
public sealed class OutboxWriterTests : IDisposable
{
    private static readonly TimeSpan Lease = new MetricsOptions().InfluxDB.WriterLease;
    private readonly TempDirectory _store = new(), _serverA = new(), _serverB = new();

    [Fact]
    public async Task TwoOutboxesOnOneStore_GetTheirOwnNumbers_AndKeepThemAcrossRestarts()
    {
        await using var store = await StoreHost.StartAsync(_store.Path);

        var a = await Writer(store, _serverA).NumberAsync(CancellationToken.None);
        var b = await Writer(store, _serverB).NumberAsync(CancellationToken.None);
        var aAfterRestart = await Writer(store, _serverA).NumberAsync(CancellationToken.None);

        Assert.Equal((0, 1), (a, b));
        Assert.Equal(a, aAfterRestart);
        await using var db = store.NewDbContext();
        Assert.Equal([_serverA.Path, _serverB.Path], await db.MetricOutboxes.OrderBy(o => o.Id).Select(o => o.DataDir).ToListAsync());
    }

    [Fact]
    public async Task HundredsOfOutboxesComingAndGoing_NeverTakeALiveOutboxsNumber()
    {
        await using var store = await StoreHost.StartAsync(_store.Path);
        var live = Writer(store, _serverA);
        var liveNumber = await live.NumberAsync(CancellationToken.None);

        var numbers = new List<int>();
        for (var i = 0; i < 150; i++)
        {
            using var passing = new TempDirectory();
            numbers.Add(await Writer(store, passing).NumberAsync(CancellationToken.None));

            // The passing server dies; the live one keeps sending (and so confirming) while the lease runs out.
            for (var elapsed = TimeSpan.Zero; elapsed <= Lease; elapsed += TimeSpan.FromHours(6))
            {
                store.Time.Advance(TimeSpan.FromHours(6));
                Assert.Equal(liveNumber, await live.NumberAsync(CancellationToken.None));
            }
        }

        Assert.Equal(0, liveNumber);
        Assert.All(numbers, n => Assert.Equal(1, n)); // the lowest number no live outbox holds, over and over
        await using var db = store.NewDbContext();
        Assert.Equal(151, await db.MetricOutboxes.CountAsync());
        Assert.Equal(2, await db.MetricOutboxes.CountAsync(o => o.RetiredAt == null));
    }

    [Fact]
    public async Task AnOutboxBackAfterItsLeaseLapsed_TakesAFreeNumberBeforeSending()
    {
        await using var store = await StoreHost.StartAsync(_store.Path);
        var a = await Writer(store, _serverA).NumberAsync(CancellationToken.None);
        store.Time.Advance(Lease + TimeSpan.FromMinutes(1));

        var b = await Writer(store, _serverB).NumberAsync(CancellationToken.None);
        var aBack = await Writer(store, _serverA).NumberAsync(CancellationToken.None);

        Assert.Equal((0, 0, 1), (a, b, aBack));
        Assert.Equal(1, Database(_serverA).KeptWriter()!.Number);
    }

    [Fact]
    public async Task AHundredLiveOutboxes_TheNextOneIsRefusedNamingTheLease()
    {
        await using var store = await StoreHost.StartAsync(_store.Path);
        await using (var db = store.NewDbContext())
        {
            db.MetricOutboxes.AddRange(Enumerable.Range(0, 100).Select(n => new OutboxRegistration
            {
                DataDir = $"/srv/cc-{n}", RegisteredAt = StoreHost.Start, Writer = n, LastSeenAt = StoreHost.Start,
            }));
            await db.SaveChangesAsync();
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Writer(store, _serverA).NumberAsync(CancellationToken.None));

        Assert.Contains("Metrics:InfluxDB:WriterLease", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeepWriter_AnotherProcessSharingTheDataDirectoryKeptFirst_ItsNumberIsTheOneBothUse()
    {
        var database = Database(_serverA);
        database.KeepWriter(new KeptWriter(7, 70), null); // the other process, between this one's look and its own registration

        Assert.Equal(new KeptWriter(7, 70), database.KeepWriter(new KeptWriter(0, 1), null));
        Assert.Equal(new KeptWriter(7, 70), database.KeepWriter(new KeptWriter(3, 5), new KeptWriter(9, 90)));
        Assert.Equal(new KeptWriter(3, 5), database.KeepWriter(new KeptWriter(3, 5), new KeptWriter(7, 70)));
    }

    [Fact]
    public async Task AMetricsFileFromBeforeLeases_KeepsItsNumberAndLearnsItsRegistration()
    {
        await using var store = await StoreHost.StartAsync(_store.Path);
        await using (var db = store.NewDbContext())
        {
            db.MetricOutboxes.Add(new OutboxRegistration { DataDir = _serverB.Path, RegisteredAt = StoreHost.Start, Writer = 0, LastSeenAt = StoreHost.Start });
            db.MetricOutboxes.Add(new OutboxRegistration { DataDir = _serverA.Path, RegisteredAt = StoreHost.Start, Writer = 1, LastSeenAt = StoreHost.Start });
            await db.SaveChangesAsync();
        }

        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_serverA.Path, StoreOptions.MetricsFile)};Pooling=False"))
        {
            connection.Open();
            using var v2 = connection.CreateCommand();
            v2.CommandText = """
                CREATE TABLE OutboxWriter (Only INTEGER PRIMARY KEY CHECK (Only = 1), Number INTEGER NOT NULL);
                INSERT INTO OutboxWriter VALUES (1, 1);
                PRAGMA user_version = 2;
                """;
            v2.ExecuteNonQuery();
        }

        Assert.Equal(1, await Writer(store, _serverA).NumberAsync(CancellationToken.None));
        Assert.Equal(new KeptWriter(1, 2), Database(_serverA).KeptWriter());
    }

    public void Dispose()
    {
        _store.Dispose();
        _serverA.Dispose();
        _serverB.Dispose();
    }

    private static OutboxWriter Writer(StoreHost store, TempDirectory dataDir) => new(
        Database(dataDir), store.Get<IDbContextFactory<CommandCenterDbContext>>(), Options(dataDir), Microsoft.Extensions.Options.Options.Create(new MetricsOptions()), store.Time);

    private static MetricsDatabase Database(TempDirectory dataDir) => new(Options(dataDir));

    private static IOptions<StoreOptions> Options(TempDirectory dataDir) =>
        Microsoft.Extensions.Options.Options.Create(new StoreOptions { DataDir = dataDir.Path, SeedDir = DemoCity.SeedDir });
}
