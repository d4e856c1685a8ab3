using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>
/// How a context reaches the configured engine (setting <c>Store:Provider</c>). Everything else that differs between
/// SQLite and PostgreSQL — the write lock, consistent reads, what a failed save means — is answered next to its
/// question (<see cref="WriteTransactions"/>, <see cref="StoreErrors"/>), so no caller names an engine.
/// </summary>
public static class StoreEngine
{
    /// <summary>PostgreSQL's migrations live in their own assembly: EF Core keeps one migration history per assembly.</summary>
    public const string PostgreSqlMigrationsAssembly = "CommandCenter.Infrastructure.PostgreSQL";

    public static DbContextOptionsBuilder UseStore(this DbContextOptionsBuilder db, StoreOptions store) => store.Provider switch
    {
        StoreProvider.PostgreSQL => db.UseNpgsql(store.PostgreSqlConnectionString, npgsql => npgsql.MigrationsAssembly(PostgreSqlMigrationsAssembly))
            .AddInterceptors(PostgreSqlWriteLock.Instance),
        _ => db.UseSqlite(store.ConnectionString).AddInterceptors(LockWaits.Interceptor.Instance),
    };
}
