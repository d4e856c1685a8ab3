using CommandCenter.Infrastructure.Feed;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// Degraded, not unhealthy, while the Redis link between servers is down: this server still serves its own walls and
/// clients (a load balancer must keep sending it traffic), but changes made on the other servers do not reach them.
/// Registered only when <c>ConnectionStrings:Redis</c> is set.
/// </summary>
internal sealed class FeedLinkHealthCheck(FeedLink link) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(link.IsConnected ? HealthCheckResult.Healthy("Redis reachable: the live feed crosses servers.")
            : HealthCheckResult.Degraded("Redis unreachable: this server serves its own clients only."));
}
