using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Core.Notifications;

/// <summary>
/// Whom each kind of event is for, in one table: the node whose people are told, as the hierarchy below it names it,
/// and whether the leader on call (带班领导) is told too. Who actually holds that node's duty is the roster's to say.
/// </summary>
public static class NotificationRouting
{
    /// <summary>
    /// The nodes an event starts from, lowest first: a notification goes to the lowest of them that keeps a duty
    /// roster, so the people nearest the event hear of it and a grid (which has a worker, not a duty desk) is never
    /// left holding it; with no roster anywhere on the way up, the city is told.
    /// </summary>
    public static IReadOnlyList<string> StartFrom(NotificationEvent kind, NodePath place) => kind switch
    {
        // The grid first: a city may keep rosters at grid level for its busiest grids; otherwise its community, town…
        NotificationEvent.AlertRaised or NotificationEvent.LateReportCharged => Upwards(place),

        // A silent grid cannot tell itself: its community (or the first node above with a roster) is told.
        NotificationEvent.SilentGrid => [.. Upwards(place).Where(code => code != place.GridCode)],

        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "This event names its node itself (a rung, the town and the city)."),
    };

    /// <summary>The leader on call hears of escalations and reminders that reached the town rung or above.</summary>
    public static bool WantsLeader(NotificationEvent kind, NodeLevel level) =>
        kind is NotificationEvent.Escalated or NotificationEvent.Reminder && level <= NodeLevel.Town;

    /// <summary>The path's codes, bottom up: grid, community, town, city (those it has).</summary>
    public static IReadOnlyList<string> Upwards(NodePath place) =>
        [.. new[] { place.GridCode, place.CommunityCode, place.TownCode, place.CityCode }.OfType<string>()];
}
