using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CommandCenter.Infrastructure.Persistence;

public static class WriteTransactions
{
    /// <summary>
    /// Starts a transaction that holds the store's write lock from its first statement (SQLite: <c>BEGIN IMMEDIATE</c>,
    /// which Microsoft.Data.Sqlite issues for a non-deferred transaction). A check-then-write inside it cannot
    /// interleave with another server's, so idempotency and merging hold across processes sharing the store.
    /// </summary>
    public static Task<IDbContextTransaction> BeginWriteTransactionAsync(this CommandCenterDbContext db, CancellationToken ct) =>
        db.Database.BeginTransactionAsync(ct);

    /// <summary>
    /// Starts a transaction in which every query sees the same moment, without holding up writers (SQLite: a
    /// deferred <c>BEGIN</c>, which in WAL mode takes no lock). Disposing it ends the read.
    /// </summary>
    public static async Task<DbTransaction> BeginReadTransactionAsync(this CommandCenterDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var read = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(read, ct);
        return read;
    }
}
