using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// The keyed write lock: writers on different keys at once, on the same key in turn, and every other writer alone.
/// "Waits" is read from the engine (a lock request not granted), not from a clock; "goes ahead" is a begin that
/// finishes while the other transaction is still open. On SQLite a keyed writer is simply a writer.
/// </summary>
public sealed class KeyedWriteLockTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _dir = new();
    private StoreHost _host = null!;

    public async Task InitializeAsync() => _host = await StoreHost.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public void KeyNumbers_AreTheSameInEveryProcess_DistinctAndAscending()
    {
        // FNV-1a's published values: a per-process string hash would differ between servers and lock nothing.
        Assert.Equal(unchecked((int)0xe40c292cu), WriteKeys.Number("a"));
        Assert.Equal(unchecked((int)0xbf9cf968u), WriteKeys.Number("foobar"));

        var numbers = WriteKeys.Of(["foobar", "a", "foobar", "b"]);

        Assert.Equal(numbers.Order().Distinct(), numbers);
        Assert.Equal(3, numbers.Length);
    }

#if POSTGRESQL
    [Fact]
    public async Task KeyedWriters_OnDifferentKeys_WriteAtTheSameTime()
    {
        await using var first = _host.NewDbContext();
        await using var second = _host.NewDbContext();
        await using var held = await first.BeginKeyedWriteTransactionAsync(["a", "b"], CancellationToken.None);

        await using var other = await second.BeginKeyedWriteTransactionAsync(["c", "d"], CancellationToken.None).WaitAsync(Patience);

        Assert.NotNull(other);
    }

    [Fact]
    public async Task KeyedWriters_SharingAKey_TakeTurns()
    {
        await using var first = _host.NewDbContext();
        await using var second = _host.NewDbContext();
        var held = await first.BeginKeyedWriteTransactionAsync(["a", "b"], CancellationToken.None);

        var waiting = second.BeginKeyedWriteTransactionAsync(["b", "c"], CancellationToken.None);

        await AssertWaitsAsync(waiting);
        await held.CommitAsync();
        await using var taken = await waiting.WaitAsync(Patience);
        await held.DisposeAsync();
    }

    [Fact]
    public async Task AnyOtherWriter_WaitsForKeyedWriters()
    {
        await using var first = _host.NewDbContext();
        await using var second = _host.NewDbContext();
        var held = await first.BeginKeyedWriteTransactionAsync(["a"], CancellationToken.None);

        var waiting = second.BeginWriteTransactionAsync(CancellationToken.None);

        await AssertWaitsAsync(waiting);
        await held.RollbackAsync();
        await using var taken = await waiting.WaitAsync(Patience);
        await held.DisposeAsync();
    }

    [Fact]
    public async Task KeyedWriters_WaitForAnyOtherWriter()
    {
        await using var first = _host.NewDbContext();
        await using var second = _host.NewDbContext();
        var held = await first.BeginWriteTransactionAsync(CancellationToken.None);

        var waiting = second.BeginKeyedWriteTransactionAsync(["a"], CancellationToken.None);

        await AssertWaitsAsync(waiting);
        await held.CommitAsync();
        await using var taken = await waiting.WaitAsync(Patience);
        await held.DisposeAsync();
    }

    [Fact]
    public async Task Ingestion_WritesWhileAnotherServerHoldsOtherGrids_AndWaitsForOneHoldingItsOwn()
    {
        var (busy, free) = (DemoCity.GridCode(0, 0, 1), DemoCity.GridCode(0, 0, 2));
        await using var other = _host.NewDbContext();
        var held = await other.BeginKeyedWriteTransactionAsync([AlertIngestionService.MergeKey(busy, "0101")], CancellationToken.None);
        var ingestion = _host.Get<AlertIngestionService>();

        var elsewhere = await ingestion.IngestAsync(Reports.InGrid(free, externalId: "free-1"), Actors.Hotline).WaitAsync(Patience);
        var waiting = ingestion.IngestAsync(Reports.InGrid(busy, externalId: "busy-1"), Actors.Hotline);

        Assert.Equal(IngestOutcome.Created, elsewhere.Outcome);
        await AssertWaitsAsync(waiting);
        await held.CommitAsync();
        Assert.Equal(IngestOutcome.Created, (await waiting.WaitAsync(Patience)).Outcome);
        await held.DisposeAsync();
    }

    /// <summary>Returns once this database shows an advisory lock request not granted, and the task still waiting behind it.</summary>
    private async Task AssertWaitsAsync(Task waiting)
    {
        await using var db = _host.NewDbContext();
        var deadline = DateTime.UtcNow + Patience;
        while (await NotGrantedAsync(db) == 0)
        {
            Assert.False(waiting.IsCompleted, "The writer went ahead instead of waiting.");
            Assert.True(DateTime.UtcNow < deadline, "No lock request was seen waiting.");
            await Task.Delay(20);
        }

        Assert.False(waiting.IsCompleted);
    }

    private static Task<int> NotGrantedAsync(CommandCenterDbContext db) =>
        db.Database.SqlQueryRaw<int>(
            "SELECT count(*)::int AS \"Value\" FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
            .SingleAsync();
#endif
}
