using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the web app.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CommandCenterDbContext>
{
    public CommandCenterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CommandCenterDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
