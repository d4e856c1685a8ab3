using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CommandCenter.Infrastructure.PostgreSQL;

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --project src/CommandCenter.Infrastructure.PostgreSQL --startup-project
/// src/CommandCenter.Infrastructure.PostgreSQL</c> build PostgreSQL's model; no server is needed to add a migration.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CommandCenterDbContext>
{
    public CommandCenterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CommandCenterDbContext>()
            .UseNpgsql("Host=localhost;Database=design-time", npgsql => npgsql.MigrationsAssembly(StoreEngine.PostgreSqlMigrationsAssembly))
            .Options);
}
