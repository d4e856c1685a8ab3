using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;

namespace CommandCenter.Core.Feed;

/// <summary>
/// A domain change on the live feed. Each message carries the change itself (new and previous state, node codes),
/// so a receiver never has to query back. <see cref="Scope"/> says which node subtrees see it.
/// </summary>
public abstract record FeedMessage(NodePath Scope, DateTimeOffset At);

/// <summary>Why an alert message was sent.</summary>
public enum AlertChange
{
    Raised,
    RepeatMerged,
    StateChanged,

    /// <summary>Flagged by a job: overdue and escalated one rung.</summary>
    Escalated,

    /// <summary>Moved to another grid by a re-division or an administrator.</summary>
    Moved,
}

public sealed record AlertChanged(
    NodePath Scope,
    DateTimeOffset At,
    AlertChange Change,
    Guid AlertId,
    AlertState State,
    AlertState? PreviousState,
    string CategoryCode,
    Severity Severity,
    string Title,
    AlertSource Source,
    double? Latitude,
    double? Longitude,
    int RepeatCount,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReportedAt,
    bool IsLateReport,
    long Version,
    string? HandlerName = null,
    DateTimeOffset? StageDeadline = null,
    bool IsOverdue = false,
    int EscalationLevel = 0,
    int PolicyVersion = 1) : FeedMessage(Scope, At)
{
    public static AlertChanged From(Alert alert, string cityCode, AlertChange change, AlertState? previous, DateTimeOffset at) => new(
        alert.Path(cityCode), at, change, alert.Id, alert.State, previous, alert.CategoryCode, alert.Severity, alert.Title,
        alert.Source, alert.Latitude, alert.Longitude, alert.RepeatCount, alert.OccurredAt, alert.ReportedAt, alert.IsLateReport, alert.Version,
        alert.HandlerName, alert.StageDeadline, alert.IsOverdue, alert.EscalationLevel, alert.PolicyVersion);
}

public sealed record PetitionWarningChanged(
    NodePath Scope,
    DateTimeOffset At,
    Guid WarningId,
    PetitionStage Stage,
    PetitionStage? PreviousStage,
    string OriginCode,
    string Destination,
    string Subject,
    int EstimatedHeadcount,
    AttentionLevel Attention,
    DateTimeOffset ReportedAt,
    DateTimeOffset LastFollowUpAt,
    string? LatestFollowUp,
    long Version,
    bool FollowUpOverdue = false,
    int PolicyVersion = 1) : FeedMessage(Scope, At)
{
    public static PetitionWarningChanged From(PetitionWarning warning, string cityCode, PetitionStage? previous, DateTimeOffset at) => new(
        warning.Path(cityCode), at, warning.Id, warning.Stage, previous, warning.OriginCode, warning.Destination, warning.Subject,
        warning.EstimatedHeadcount, warning.Attention, warning.ReportedAt, warning.LastFollowUpAt,
        warning.FollowUps.Count > 0 ? warning.FollowUps[^1].Text : null, warning.Version, warning.FollowUpOverdueSince is not null,
        warning.PolicyVersion);
}

public sealed record TeamStatusChanged(
    NodePath Scope,
    DateTimeOffset At,
    string TeamCode,
    string TeamName,
    TeamType Type,
    NodeLevel Level,
    TeamStatus Status,
    TeamStatus? PreviousStatus,
    DateTimeOffset StatusSince,
    Guid? AlertId,
    string? AssignmentTitle,
    double? Latitude,
    double? Longitude) : FeedMessage(Scope, At)
{
    public static TeamStatusChanged From(Team team, NodePath scope, TeamStatus? previous, string? assignmentTitle, DateTimeOffset at) => new(
        scope, at, team.Code, team.Name, team.Type, team.Level, team.Status, previous, team.StatusSince, team.CurrentAlertId,
        team.CurrentAlertId is null ? null : assignmentTitle, team.Latitude, team.Longitude);
}

/// <summary>
/// An administrator created, edited or retired a team: not a status report, so it counts in no status metric. It
/// carries the team as it is now, so a screen replaces its row. <see cref="Withdrawn"/> tells the scope to drop the
/// team: it was retired, or its home moved out of this scope (the new scope gets its own message).
/// </summary>
public sealed record TeamChanged(
    NodePath Scope,
    DateTimeOffset At,
    string TeamCode,
    string TeamName,
    TeamType Type,
    NodeLevel Level,
    TeamStatus Status,
    DateTimeOffset StatusSince,
    Guid? AlertId,
    string? AssignmentTitle,
    double? Latitude,
    double? Longitude,
    bool Withdrawn) : FeedMessage(Scope, At)
{
    public static TeamChanged From(Team team, NodePath scope, string? assignmentTitle, bool withdrawn, DateTimeOffset at) => new(
        scope, at, team.Code, team.Name, team.Type, team.Level, team.Status, team.StatusSince, team.CurrentAlertId,
        team.CurrentAlertId is null ? null : assignmentTitle, team.Latitude, team.Longitude, withdrawn);
}

public sealed record DeploymentChanged(
    NodePath Scope,
    DateTimeOffset At,
    Guid DeploymentId,
    string TeamCode,
    Guid AlertId,
    TeamStatus Status,
    TeamStatus? PreviousStatus,
    DateTimeOffset DispatchedAt,
    DateTimeOffset? EndedAt) : FeedMessage(Scope, At);

/// <summary>
/// A late report (迟报) was charged to the grid's responsible person and the reporter. Scoped to the alert's path;
/// the alert itself already carries <see cref="AlertChanged.IsLateReport"/>.
/// </summary>
public sealed record LateReportCharged(
    NodePath Scope,
    DateTimeOffset At,
    Guid AlertId,
    string GridCode,
    string ResponsibleName,
    string? ReporterName,
    Severity Severity,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReportedAt,
    TimeSpan? Limit,
    TimeSpan Delay) : FeedMessage(Scope, At);

/// <summary>
/// The set of silent grids (no report and no check-in for the configured hours) changed. Scoped to the city.
/// <see cref="SilentGridCodes"/> is the whole current set, so a receiver can replace what it holds;
/// <see cref="NoLongerSilent"/> lists the grids that left it since the previous message.
/// </summary>
public sealed record SilentGridsChanged(
    NodePath Scope,
    DateTimeOffset At,
    IReadOnlyList<string> SilentGridCodes,
    IReadOnlyList<string> NoLongerSilent) : FeedMessage(Scope, At);

/// <summary>
/// "The feed is alive": published every few seconds, so a screen can tell a quiet city from a dead data source.
/// </summary>
public sealed record FeedHeartbeat(NodePath Scope, DateTimeOffset At) : FeedMessage(Scope, At);
