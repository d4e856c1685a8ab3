using CommandCenter.Infrastructure.Notifications.Delivery;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// Degraded, not unhealthy, while a notification channel keeps failing (its last attempts all failed): the command
/// centre still works and the deliveries wait in the store, but people are not being told. Healthy again on the
/// channel's next success. Registered only when a channel is configured.
/// </summary>
internal sealed class NotificationChannelsHealthCheck(NotificationChannelHealth health) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = await health.FailingAsync(cancellationToken);
        return failing.Count == 0
            ? HealthCheckResult.Healthy($"Notification channels delivering: {string.Join(", ", health.Configured)}.")
            : HealthCheckResult.Degraded($"Notification channels failing: {string.Join("; ", failing.Select(f => $"{f.Channel} ({f.LastError})"))}.");
    }
}
