using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace CommandCenter.Infrastructure.Persistence;

public static class WriteTransactions
{
    /// <summary>
    /// Starts a transaction that holds the store's write lock from its first statement, so a check-then-write inside it
    /// cannot interleave with another server's and idempotency and merging hold across servers sharing the store.
    /// SQLite: <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's non-deferred transaction). PostgreSQL: the same, through
    /// <see cref="PostgreSqlWriteLock"/>, which every transaction EF Core starts there takes first.
    /// </summary>
    public static Task<IDbContextTransaction> BeginWriteTransactionAsync(this CommandCenterDbContext db, CancellationToken ct) =>
        db.Database.BeginTransactionAsync(ct);

    /// <summary>
    /// Starts a write transaction that holds the store's write lock for <paramref name="keys"/> only, for writers whose
    /// check-then-write touches nothing but the rows those keys name (ingestion: a grid and category, a sender's report).
    /// PostgreSQL: the store-wide lock shared, then one lock per key in ascending order, so two such transactions on
    /// different keys write at once, while every other write transaction (which takes the store-wide lock alone)
    /// still excludes them all. Keys are taken in one order by everyone, so they never deadlock. SQLite has one
    /// writer at a time whatever the keys: the same as <see cref="BeginWriteTransactionAsync"/>.
    /// </summary>
    public static async Task<IDbContextTransaction> BeginKeyedWriteTransactionAsync(this CommandCenterDbContext db, IEnumerable<string> keys, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            return await db.BeginWriteTransactionAsync(ct);
        }

        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = PostgreSqlWriteLock.TakeKeyed;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "keys";
            parameter.Value = WriteKeys.Of(keys);
            command.Parameters.Add(parameter);
            await command.ExecuteNonQueryAsync(ct);

            // Adopted rather than started by EF Core, so the interceptor does not take the store-wide lock outright.
            return await db.Database.UseTransactionAsync(transaction, ct) ?? throw new InvalidOperationException("EF Core did not adopt the write transaction.");
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a transaction in which every query sees the same moment, without holding up writers (SQLite: a deferred
    /// <c>BEGIN</c>, which in WAL mode takes no lock; PostgreSQL: a repeatable-read snapshot). Disposing it ends the read.
    /// </summary>
    public static async Task<DbTransaction> BeginReadTransactionAsync(this CommandCenterDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var read = connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await db.Database.UseTransactionAsync(read, ct);
        return read;
    }
}

/// <summary>
/// SQLite's write lock on PostgreSQL: every transaction EF Core starts (a write transaction, or the one
/// <c>SaveChanges</c> makes) first takes one transaction-scoped advisory lock, released by its commit or rollback. So
/// writers queue one at a time, as on SQLite, and a check-then-write never interleaves with another server's. Reads
/// (<see cref="WriteTransactions.BeginReadTransactionAsync"/>) start their transaction on the connection, not through
/// EF Core, and never wait for it; keyed writers (<see cref="WriteTransactions.BeginKeyedWriteTransactionAsync"/>)
/// start theirs there too and share the lock among themselves.
/// </summary>
internal sealed class PostgreSqlWriteLock : DbTransactionInterceptor
{
    public static readonly PostgreSqlWriteLock Instance = new();

    private const string StoreKey = "1128486738"; // "CCWR"
    private const string KeySpace = "1128483673"; // "CCKY": the two-number form, apart from the store-wide key

    private const string Take = $"SELECT pg_advisory_xact_lock({StoreKey})";

    /// <summary>
    /// The store-wide lock shared, then each key's (parameter <c>keys</c>, ascending) in array order: two statements,
    /// run in order, so no transaction ever holds a key while it queues for the store-wide lock.
    /// </summary>
    internal const string TakeKeyed = $"SELECT pg_advisory_xact_lock_shared({StoreKey}); SELECT pg_advisory_xact_lock({KeySpace}, k) FROM unnest(@keys) AS k";

    private PostgreSqlWriteLock()
    {
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        using var command = Command(connection, result);
        command.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await using var command = Command(connection, result);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Take;
        return command;
    }
}

/// <summary>
/// Keys of the keyed write lock as the numbers PostgreSQL's advisory locks take: the same on every server (FNV-1a over
/// UTF-8, not the per-process string hash), distinct and ascending. Two keys that share a number only wait for each other.
/// </summary>
internal static class WriteKeys
{
    public static int[] Of(IEnumerable<string> keys) =>
        keys.Select(Number).Distinct().Order().ToArray();

    public static int Number(string key)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return unchecked((int)hash);
    }
}
