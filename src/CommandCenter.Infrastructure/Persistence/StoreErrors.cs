using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>What a failed save means, asked of the store's engine here so callers never name it.</summary>
public static class StoreErrors
{
    /// <summary>The save broke a unique index: someone stored the same key between our check and this save.</summary>
    public static bool IsUniqueViolation(this DbUpdateException error) =>
        error.InnerException is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT
}
