using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommandCenter.Web.Hosting;

/// <summary>Ready when the store answers and the reference data is loaded.</summary>
internal sealed class StoreHealthCheck(IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!reference.IsLoaded)
        {
            return HealthCheckResult.Unhealthy("Reference data is not loaded yet.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy("Store reachable.")
            : HealthCheckResult.Unhealthy("Store unreachable.");
    }
}
