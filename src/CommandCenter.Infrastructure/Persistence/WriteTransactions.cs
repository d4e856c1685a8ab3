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
/// EF Core, and never wait for it.
/// </summary>
internal sealed class PostgreSqlWriteLock : DbTransactionInterceptor
{
    public static readonly PostgreSqlWriteLock Instance = new();

    private const string Take = "SELECT pg_advisory_xact_lock(1128486738)"; // "CCWR"

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
