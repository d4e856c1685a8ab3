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

    /// <summary>
    /// How far back a starting server looks for events not told yet (the cursor over the audit trail lives in memory):
    /// longer than a restart takes, short enough that a server started after a long outage does not page people about
    /// the day before. Events already told are never told again, whatever the overlap.
    /// </summary>
    public TimeSpan CatchUp { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a server looks for events to tell and notifications to close.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(1);
}
