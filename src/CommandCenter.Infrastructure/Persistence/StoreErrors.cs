using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>What a failed save means, asked of the store's engine here so callers never name it.</summary>
public static class StoreErrors
{
    /// <summary>The save broke a unique index: someone stored the same key between our check and this save.</summary>
    public static bool IsUniqueViolation(this DbUpdateException error) => error.InnerException is
        SqliteException { SqliteErrorCode: 19 } // SQLITE_CONSTRAINT
        or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>
    /// The store could not be reached or could not answer (a lost connection, a database restarting, a full disk):
    /// nothing was written and the same request may succeed shortly, so the edge answers 503, not 500.
    /// </summary>
    public static bool IsUnavailable(Exception error)
    {
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case NpgsqlException { IsTransient: true }:
                case PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.DiskFull }:
                case SqliteException { SqliteErrorCode: 5 or 10 or 13 or 14 }: // SQLITE_BUSY, _IOERR, _FULL, _CANTOPEN
                    return true;
            }
        }

        return false;
    }
}
