using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Inserts entities far faster than <c>SaveChanges</c> (no change tracking, one prepared statement, one transaction)
/// through the product's own <see cref="PreparedWrite{T}"/>, so table, columns and value conversions come from the
/// DbContext's model and a schema change cannot leave it writing stale rows.
/// </summary>
public static class BulkInsert
{
    public static int Insert<T>(DbContext db, IEnumerable<T> rows) where T : class
    {
        using var transaction = db.Database.BeginTransaction();
        using var insert = PreparedWrite<T>.Insert(db);
        var count = 0;
        foreach (var row in rows)
        {
            insert.Insert(row);
            count++;
        }

        transaction.Commit();
        return count;
    }
}
