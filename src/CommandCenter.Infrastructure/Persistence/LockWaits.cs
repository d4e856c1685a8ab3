using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>
/// How long a statement waits for a lock another connection holds — in practice the write lock, held by an ingestion
/// batch or a job for milliseconds at a time — before it fails.
/// </summary>
/// <remarks>
/// SQLite's own busy handler sleeps and tries again in steps that start at 1 ms and grow to 100 ms, so a short wait
/// ends a few milliseconds after the lock is free. Without it a busy statement fails at once and Microsoft.Data.Sqlite
/// retries it after sleeping 150 ms, so a report that met a job's 2 ms transaction waited 150 ms or more: the
/// 150–370 ms stalls the performance harness saw every few seconds at 200 reports/s (measured alone: 150 ms before,
/// 8 ms after, for a 5 ms transaction). Microsoft.Data.Sqlite has no connection-string keyword for it, so each
/// connection gets it on open. Quartz's own <c>jobs.db</c> connections are opened by Quartz and keep the retry.
/// </remarks>
public static class LockWaits
{
    /// <summary>
    /// The limit per statement, the same as the connection strings' <c>Default Timeout</c> (Microsoft.Data.Sqlite's own
    /// retry limit, which it checks only after SQLite gives up). Writes take the lock once, with <c>BEGIN IMMEDIATE</c>.
    /// </summary>
    public const int Seconds = 30;

    /// <summary>Lets SQLite wait for a held lock on this open connection, up to <see cref="Seconds"/>.</summary>
    public static void WaitForLocks(this SqliteConnection connection)
    {
        var result = SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, Seconds * 1000);
        SqliteException.ThrowExceptionForRC(result, connection.Handle);
    }

    /// <summary>Applies <see cref="WaitForLocks"/> to every connection EF Core opens.</summary>
    public sealed class Interceptor : DbConnectionInterceptor
    {
        public static readonly Interceptor Instance = new();

        private Interceptor()
        {
        }

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
            ((SqliteConnection)connection).WaitForLocks();

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            ((SqliteConnection)connection).WaitForLocks();
            return Task.CompletedTask;
        }
    }
}
