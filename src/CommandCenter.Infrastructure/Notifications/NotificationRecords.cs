using CommandCenter.Core.Notifications;

namespace CommandCenter.Infrastructure.Notifications;

// The notification outbox. A notification is one message to one node's people: it collects items (the events it
// tells about) while its grouping window is open, then fans out into one delivery per (recipient, channel), each
// delivered once, with every attempt recorded.

/// <summary>One message to the people on duty at one node, grouping the events of a short window.</summary>
public sealed class Notification
{
    public long Id { get; init; }

    /// <summary>The node whose people are told (the rung an alert reached, a town for a petition warning, …).</summary>
    public required string NodeCode { get; init; }

    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When the grouping window closes and the message goes out.</summary>
    public required DateTimeOffset DueAt { get; set; }

    /// <summary>When the window closed and the deliveries were created; null while items may still join.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Who it is for, as JSON (a list of <see cref="NotificationRecipient"/>), fixed when the window closes.</summary>
    public string? Recipients { get; set; }

    /// <summary>The message's text as composed when the window closed (title line, then one line per item).</summary>
    public string? Text { get; set; }
}

/// <summary>One event a notification tells about. <see cref="EventKey"/> is unique: an event is told once, whichever server saw it.</summary>
public sealed class NotificationItem
{
    public long Id { get; init; }

    public required long NotificationId { get; init; }

    /// <summary>E.g. <c>raised:{alert}</c>, <c>escalated:{alert}:{level}</c>, <c>reminder:{alert}:{n}</c>.</summary>
    public required string EventKey { get; init; }

    public required NotificationEvent Event { get; init; }

    public Guid? AlertId { get; init; }

    public Guid? PetitionWarningId { get; init; }

    /// <summary>The grid, community or town the event happened in.</summary>
    public required string PlaceCode { get; init; }

    /// <summary>One line for the message, in Chinese (e.g. 【特急】某网格 · 燃气泄漏).</summary>
    public required string Summary { get; init; }

    public required DateTimeOffset At { get; init; }
}

/// <summary>One (notification, recipient, channel): delivered once, retried with back-off until it is or the attempts run out.</summary>
public sealed class NotificationDelivery
{
    public long Id { get; init; }

    public required long NotificationId { get; init; }

    public required NotificationChannel Channel { get; init; }

    /// <summary><see cref="NotificationRecipient.Key"/>, or <c>*</c> for a group robot that posts once for all recipients.</summary>
    public required string RecipientKey { get; init; }

    public required string RecipientName { get; init; }

    public string? RecipientPhone { get; init; }

    public DeliveryState State { get; set; }

    public int Attempts { get; set; }

    public required DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>A server working on it holds it until then, so two servers never send it at once.</summary>
    public DateTimeOffset? LeasedUntil { get; set; }

    public long Version { get; set; }
}

/// <summary>One try at a delivery, kept for the alert's timeline and the administrators' page.</summary>
public sealed class NotificationAttempt
{
    public long Id { get; init; }

    public required long DeliveryId { get; init; }

    public required DateTimeOffset At { get; init; }

    public required bool Succeeded { get; init; }

    /// <summary>The receiver's HTTP status, when it answered.</summary>
    public int? StatusCode { get; init; }

    public string? Error { get; init; }

    public required int DurationMs { get; init; }
}

/// <summary>
/// An acknowledgement link handed to one recipient for one alert. The link carries a signed, time-limited token
/// naming this row; the row makes it single-use.
/// </summary>
public sealed class AcknowledgementToken
{
    public Guid Id { get; init; }

    public required Guid AlertId { get; init; }

    public required string RecipientKey { get; init; }

    public required string RecipientName { get; init; }

    /// <summary>The recipient's account, when they have one: the acknowledgement is theirs.</summary>
    public string? RecipientUserName { get; init; }

    /// <summary>The node whose duty the recipient holds: a recipient without an account acts in its jurisdiction.</summary>
    public required string NodeCode { get; init; }

    public long? DeliveryId { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; set; }
}
