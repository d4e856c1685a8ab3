using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>
/// Opens the configured store once before the server starts, so a wrong setting or an unreachable database ends the
/// process with one line naming the setting rather than a stack trace from the middle of start-up.
/// </summary>
public static class StoreProbe
{
    /// <summary>Null when the store opens; otherwise what is wrong, naming the setting to fix.</summary>
    public static async Task<string?> ProblemAsync(StoreOptions store, CancellationToken ct = default)
    {
        try
        {
            if (store.Provider == StoreProvider.Sqlite)
            {
                Directory.CreateDirectory(store.DataDir);
            }

            var options = new DbContextOptionsBuilder<CommandCenterDbContext>();
            options.UseStore(store);
            await using var db = new CommandCenterDbContext(options.Options);
            await db.Database.OpenConnectionAsync(ct);
            return null;
        }
        catch (Exception error) when (error is DbException or ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            var reason = Reason(error);
            return store.Provider == StoreProvider.PostgreSQL
                ? $"ConnectionStrings:Store: the PostgreSQL store {Describe(store.PostgreSqlConnectionString)} cannot be reached: {reason}"
                : $"DataDir: the SQLite store {store.DatabasePath} cannot be opened: {reason}";
        }
    }

    /// <summary>The engine's own words (EF Core wraps a refused connection in "likely due to a transient failure").</summary>
    private static string Reason(Exception error)
    {
        var engine = error;
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is DbException)
            {
                engine = inner;
                break;
            }
        }

        var reason = engine.Message.Split('\n')[0].Trim();
        return engine.InnerException is { } cause && cause is not DbException ? $"{reason} ({cause.Message.Split('\n')[0].Trim()})" : reason;
    }

    /// <summary>Host, port and database, never the password.</summary>
    private static string Describe(string? connectionString)
    {
        try
        {
            var parts = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{parts.Host}:{parts.Port}/{parts.Database}";
        }
        catch (ArgumentException)
        {
            return "(a connection string it cannot read)";
        }
    }
}
