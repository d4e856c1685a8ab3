using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;

namespace CommandCenter.Infrastructure.Wall;

// What a wall shows, as immutable snapshots: a circuit renders one of these and never touches shared state.

/// <summary>Everything one wall scope (the city or a town) shows at one moment.</summary>
public sealed record WallView(
    string ScopeCode,
    string ScopeName,
    NodeLevel ScopeLevel,
    WallKpis Kpis,
    IReadOnlyList<WallAlertRow> RecentAlerts,
    IReadOnlyList<WallPetitionRow> Petitions,
    IReadOnlyList<WallTeamRow> Teams,
    IReadOnlyList<RankingRow> Ranking,
    IReadOnlyDictionary<string, int> OpenByGrid,
    IReadOnlyList<WallMarker> Markers,
    IReadOnlyList<TrendBucket> Trend,
    IReadOnlyList<WallOverdueRow> Overdue,
    IReadOnlySet<string> SilentGrids,
    IReadOnlyDictionary<string, int> LateReportsTodayByGrid,
    DateTimeOffset? LastDataAt,
    long Version);

/// <summary>The headline numbers. <see cref="OnTimeAckRateToday"/> is null while nothing has fallen due today.</summary>
public sealed record WallKpis(
    int Open,
    int Unacknowledged,
    int Overdue,
    int MajorOrWorseToday,
    int ActivePetitions,
    int TeamsDeployed,
    int TeamsAvailable,
    int ReportsToday,
    double? OnTimeAckRateToday);

/// <summary>One row of the alert feed. <see cref="HandlerName"/> is who holds it ("being handled by …"), null while nobody does.</summary>
public sealed record WallAlertRow(
    Guid Id,
    string Title,
    string CategoryName,
    Severity Severity,
    string TownName,
    string CommunityName,
    string GridName,
    AlertState State,
    int RepeatCount,
    DateTimeOffset ReportedAt,
    DateTimeOffset LastActivityAt,
    bool IsLateReport,
    string? HandlerName);

/// <summary>
/// An open alert past its stage deadline, for the overdue panel. <see cref="Rung"/> is the level of the escalation
/// ladder it has climbed to (grid, community, town, city); <see cref="HandlerName"/> is null while nobody holds it.
/// </summary>
public sealed record WallOverdueRow(
    Guid Id,
    string Title,
    Severity Severity,
    string TownName,
    string CommunityName,
    string GridName,
    AlertState State,
    int EscalationLevel,
    NodeLevel Rung,
    DateTimeOffset DueBy,
    string? HandlerName,
    bool IsLateReport);

public sealed record WallPetitionRow(
    Guid Id,
    string Subject,
    PetitionStage Stage,
    int EstimatedHeadcount,
    AttentionLevel Attention,
    string OriginName,
    string Destination,
    DateTimeOffset LastFollowUpAt,
    TimeSpan? FollowUpCadence);

public sealed record WallTeamRow(
    string Code,
    string Name,
    TeamType Type,
    NodeLevel Level,
    TeamStatus Status,
    DateTimeOffset StatusSince,
    string? Assignment,
    double? Latitude,
    double? Longitude);

/// <summary>A child node (town of the city, community of a town) ranked by load.</summary>
public sealed record RankingRow(string Code, string Name, int OpenAlerts, int SeriousOrWorse);

/// <summary>A new major-or-worse alert pulsing on the map.</summary>
public sealed record WallMarker(Guid AlertId, Severity Severity, double Latitude, double Longitude, DateTimeOffset RaisedAt);

/// <summary>New alerts in one 10-minute bucket, by the severity they were raised with.</summary>
public sealed record TrendBucket(DateTimeOffset Start, int General, int Major, int Serious, int Critical)
{
    public int Total => General + Major + Serious + Critical;
}

/// <summary>New alerts of one severity counted at a moment: a bucket's total from the metric store, or one alert from the operational store.</summary>
public readonly record struct TrendCount(DateTimeOffset At, Severity Severity, int Count);

/// <summary>
/// An open alert as the wall tracks it: where, what state, when acknowledging falls due and when its current stage
/// does (null when unknown; the acknowledge deadline stands in), and what the overdue panel shows of it: how far up
/// the ladder of its policy it has climbed, who holds it, whether it was reported late.
/// </summary>
public sealed record OpenAlert(
    Guid Id,
    string GridCode,
    string CommunityCode,
    string TownCode,
    AlertState State,
    Severity Severity,
    DateTimeOffset ReportedAt,
    DateTimeOffset AcknowledgeBy,
    DateTimeOffset? StageDeadline,
    long Version,
    string Title,
    int EscalationLevel,
    int PolicyVersion,
    string? HandlerName,
    bool IsLateReport)
{
    /// <summary>When the current stage falls due; past it the alert is overdue.</summary>
    public DateTimeOffset DueBy => StageDeadline ?? AcknowledgeBy;
}
