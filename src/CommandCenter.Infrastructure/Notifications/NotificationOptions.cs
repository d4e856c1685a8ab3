namespace CommandCenter.Infrastructure.Notifications;

/// <summary>The <c>Notifications</c> settings shared by every channel. Each channel's own settings are a section below it.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>
    /// The address people reach the command centre at (e.g. https://cc.example.gov.cn), for the acknowledgement links
    /// in messages: behind a load balancer a server cannot know it. Required once any channel is configured.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long an acknowledgement link stays usable: short, since a forwarded message must not act for long.</summary>
    public TimeSpan AckLinkLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Notifications for one node within this window go out as one message listing the alerts.</summary>
    public TimeSpan GroupingWindow { get; set; } = TimeSpan.FromSeconds(30);
}
