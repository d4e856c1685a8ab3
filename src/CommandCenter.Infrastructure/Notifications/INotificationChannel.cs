using CommandCenter.Core.Notifications;

namespace CommandCenter.Infrastructure.Notifications;

/// <summary>
/// One way out of the command centre (webhook, WeCom, DingTalk, SMS). Registered only when configured, so closing a
/// notification creates deliveries for exactly the channels a city has set up.
/// </summary>
public interface INotificationChannel
{
    NotificationChannel Kind { get; }

    /// <summary>
    /// True for a channel that reaches one person (SMS: one delivery per recipient with a phone); false for one that
    /// posts once for everybody (a webhook, a group robot: one delivery with recipient key <c>*</c>).
    /// </summary>
    bool PerRecipient { get; }

    /// <summary>Sends one delivery. Throws <see cref="NotificationChannelException"/> (or an HTTP failure) when it was not accepted.</summary>
    Task SendAsync(OutgoingNotification message, CancellationToken cancellationToken);
}

/// <summary>What one delivery sends: the closed notification, its items, its addressees, and the delivery itself.</summary>
public sealed record OutgoingNotification(
    Notification Notification,
    IReadOnlyList<NotificationItem> Items,
    IReadOnlyList<NotificationAddressee> Addressees,
    NotificationDelivery Delivery);

/// <summary>A channel's receiver answered but refused the message (e.g. a robot's non-zero <c>errcode</c>).</summary>
public sealed class NotificationChannelException(string message, int? statusCode = null) : Exception(message)
{
    public int? StatusCode { get; } = statusCode;
}
