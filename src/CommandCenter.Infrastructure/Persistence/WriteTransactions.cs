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
}
