using CommandCenter.Core.Notifications;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// What an attempt does to its delivery, through <see cref="DeliveryStateRules"/>. Each move bumps
/// <see cref="NotificationDelivery.Version"/>, the concurrency token that keeps two servers from both recording it.
/// </summary>
public static class DeliveryOutcomes
{
    /// <summary>The longest error an attempt keeps (its column's length).</summary>
    public const int MaxError = 2000;

    /// <summary>The receiver took it: delivered, never to be sent again.</summary>
    public static NotificationAttempt Succeed(this NotificationDelivery delivery, DateTimeOffset at, int durationMs)
    {
        Move(delivery, DeliveryState.Delivered);
        delivery.Attempts++;
        delivery.DeliveredAt = at;
        delivery.LeasedUntil = null;
        return new NotificationAttempt { DeliveryId = delivery.Id, At = at, Succeeded = true, DurationMs = durationMs };
    }

    /// <summary>
    /// The receiver refused it or could not be reached: tried again at <paramref name="retryAt"/>, or given up when
    /// that is null (the attempts ran out).
    /// </summary>
    public static NotificationAttempt Fail(this NotificationDelivery delivery, DateTimeOffset at, int durationMs, string error, int? statusCode, DateTimeOffset? retryAt)
    {
        Move(delivery, retryAt is null ? DeliveryState.GaveUp : DeliveryState.Pending);
        error = error.Length <= MaxError ? error : error[..(MaxError - 1)] + "…";
        delivery.Attempts++;
        delivery.LastError = error;
        delivery.LeasedUntil = null;
        if (retryAt is { } next)
        {
            delivery.NextAttemptAt = next;
        }

        return new NotificationAttempt { DeliveryId = delivery.Id, At = at, Succeeded = false, StatusCode = statusCode, Error = error, DurationMs = durationMs };
    }

    /// <summary>An administrator sends a given-up delivery again: due now, with the full schedule of attempts ahead.</summary>
    public static void Resend(this NotificationDelivery delivery, DateTimeOffset now)
    {
        Move(delivery, DeliveryState.Pending);
        delivery.Attempts = 0;
        delivery.NextAttemptAt = now;
        delivery.LeasedUntil = null;
    }

    private static void Move(NotificationDelivery delivery, DeliveryState to)
    {
        DeliveryStateRules.EnsureCanMove(delivery.State, to);
        delivery.State = to;
        delivery.Version++;
    }
}
