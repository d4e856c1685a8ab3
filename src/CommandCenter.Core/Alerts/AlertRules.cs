using CommandCenter.Core.Policies;

namespace CommandCenter.Core.Alerts;

/// <summary>
/// The rules every count of alerts goes by — the wall's tiles, supervision's scorecards and the store's queries — so
/// a figure means the same on every page. "Today" is the city's day (<see cref="CityClock"/>).
/// </summary>
public static class AlertRules
{
    /// <summary>Open alerts still need someone; Closed and Voided are final.</summary>
    public static bool IsOpen(AlertState state) => state is not (AlertState.Closed or AlertState.Voided);

    /// <summary>
    /// When acknowledging falls due. While the alert waits for it, its stage deadline is exactly that (the one
    /// escalation watches); otherwise the acknowledge limit of the alert's own policy version, from the first report.
    /// </summary>
    public static DateTimeOffset AcknowledgeBy(AlertState state, DateTimeOffset? stageDeadline, DateTimeOffset reportedAt, StageDeadlines ownPolicy) =>
        state == AlertState.Reported && stageDeadline is { } deadline ? deadline : reportedAt + ownPolicy.Acknowledge;

    /// <summary>An acknowledgement at the deadline itself is in time.</summary>
    public static bool AcknowledgedInTime(DateTimeOffset acknowledgedAt, DateTimeOffset acknowledgeBy) => acknowledgedAt <= acknowledgeBy;

    /// <summary>Only Reported → Acknowledged acknowledges (voiding does not), and only an alert's first one is counted.</summary>
    public static bool IsAcknowledgement(AlertState? from, AlertState to) => from == AlertState.Reported && to == AlertState.Acknowledged;

    /// <summary>Whether something that happened at <paramref name="at"/> counts in the day that began at <paramref name="startOfDay"/>.</summary>
    public static bool IsToday(DateTimeOffset at, DateTimeOffset startOfDay) => at >= startOfDay;

    /// <summary>Each report received today counts, the first and every repeat merged into an alert.</summary>
    public static bool CountsTowardReportsToday(DateTimeOffset receivedAt, DateTimeOffset startOfDay) => IsToday(receivedAt, startOfDay);

    /// <summary>A late report (迟报) counts on today's tally when the alert was first reported today; once late, always late.</summary>
    public static bool IsLateToday(bool isLateReport, DateTimeOffset reportedAt, DateTimeOffset startOfDay) =>
        isLateReport && IsToday(reportedAt, startOfDay);

    /// <summary>漏报: first reported by the public or the 12345 hotline, and never by the grid's worker.</summary>
    public static bool IsMissedReport(AlertSource source, DateTimeOffset? workerReportedAt) =>
        source is AlertSource.Public or AlertSource.Hotline && workerReportedAt is null;

    /// <summary>Major or worse: counted on the wall's "major today" tile and marked on its map.</summary>
    public static bool IsMajorOrWorse(Severity severity) => severity >= Severity.Major;
}
