namespace CommandCenter.Core.Notifications;

/// <summary>What a notification tells people about. Stored as its name, so a name is part of the stored data.</summary>
public enum NotificationEvent
{
    /// <summary>An alert raised at Serious or Critical: the node's on-duty, at once.</summary>
    AlertRaised,

    /// <summary>An overdue alert climbed to a rung: that rung's on-duty, and the leader on call from the town rung up.</summary>
    Escalated,

    /// <summary>A petition warning entered Gathering or Moving: the town's and the city's on-duty.</summary>
    PetitionWarning,

    /// <summary>A late report was charged: the responsible person's node.</summary>
    LateReportCharged,

    /// <summary>A grid stayed silent beyond the policy's threshold.</summary>
    SilentGrid,

    /// <summary>A notified alert still not acknowledged: told again, then the next rung.</summary>
    Reminder,
}

/// <summary>The ways a notification leaves the command centre, each an adapter behind one port.</summary>
public enum NotificationChannel
{
    Webhook,
    WeCom,
    DingTalk,
    Sms,
}

/// <summary>Where one (notification, recipient, channel) delivery stands.</summary>
public enum DeliveryState
{
    /// <summary>Not delivered yet: due at its next attempt.</summary>
    Pending,

    Delivered,

    /// <summary>Every attempt the policy allows failed; an administrator can send it again.</summary>
    GaveUp,
}

/// <summary>
/// Someone a notification is for: a user account or a name and phone from a duty roster. <paramref name="Key"/>
/// identifies them within one notification (user name, else phone, else name), so each gets one delivery per channel.
/// </summary>
public sealed record NotificationRecipient(string Name, string? Phone, string? UserName, bool IsLeader)
{
    public string Key => UserName ?? Phone ?? Name;
}
