using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// The metric store on /readyz. Degraded, never unhealthy: the command centre works without its metrics (points wait
/// in the outbox), so a load balancer must not take it out of service for them — but the state and the lag
/// ("metrics lagging by N points") are there for whoever looks.
/// </summary>
internal sealed class MetricsHealthCheck(IMetricWriter writer, IMetricReader reader) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reachable = await reader.PingAsync(cancellationToken);
        var lag = writer.Lag;
        var data = new Dictionary<string, object>
        {
            ["pendingPoints"] = lag.PendingPoints,
            ["droppedPoints"] = lag.DroppedPoints,
        };
        if (!reachable)
        {
            return HealthCheckResult.Degraded($"Metric store unreachable; {lag.Describe()}.", data: data);
        }

        if (lag.LastError is not null)
        {
            return HealthCheckResult.Degraded($"{lag.Describe()}: {lag.LastError}", data: data);
        }

        return lag.PendingPoints > MetricsBehind.LaggingAbove
            ? HealthCheckResult.Degraded($"{lag.Describe()}.", data: data)
            : HealthCheckResult.Healthy($"{lag.Describe()}.", data);
    }
}
