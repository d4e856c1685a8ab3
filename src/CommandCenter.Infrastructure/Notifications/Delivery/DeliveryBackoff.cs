using Microsoft.Extensions.Options;
using Polly.Contrib.WaitAndRetry;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// When a failed delivery is tried again: Polly's decorrelated-jitter back-off (median <see cref="DeliveryOptions.FirstRetryDelay"/>,
/// about doubling per attempt, capped at <see cref="DeliveryOptions.MaxRetryDelay"/>). The jitter keeps the deliveries
/// of one burst, and the servers retrying them, from hitting a recovering receiver all at the same moment.
/// The schedule is stored (<see cref="NotificationDelivery.NextAttemptAt"/>), so it survives a restart.
/// </summary>
public sealed class DeliveryBackoff(IOptions<DeliveryOptions> options)
{
    /// <summary>The attempt after <paramref name="failedAttempts"/> failures is due at this; null when none is left.</summary>
    public DateTimeOffset? NextAttemptAt(int failedAttempts, DateTimeOffset now)
    {
        var o = options.Value;
        if (failedAttempts >= o.MaxAttempts)
        {
            return null;
        }

        var delay = Backoff.DecorrelatedJitterBackoffV2(o.FirstRetryDelay, failedAttempts).Last();
        return now + (delay > o.MaxRetryDelay ? o.MaxRetryDelay : delay);
    }
}
