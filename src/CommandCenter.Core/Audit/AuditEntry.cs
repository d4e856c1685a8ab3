namespace CommandCenter.Core.Audit;

/// <summary>What an audit entry is about.</summary>
public enum AuditSubject
{
    Alert,
    PetitionWarning,
    Team,
    Deployment,

    /// <summary>A grid (by code): e.g. it turned silent.</summary>
    Grid,
}

/// <summary>
/// One state change: who, in which seat, when, from → to, why, and the deadline that applied. Written in the same
/// transaction as the change; never updated.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; init; }

    public required AuditSubject Subject { get; init; }

    /// <summary>The id or code of the alert, warning, team, deployment or grid.</summary>
    public required string SubjectId { get; init; }

    /// <summary>What happened, e.g. Raised, RepeatMerged, StatusChanged, FollowUp.</summary>
    public required string Action { get; init; }

    /// <summary>The user or system that did it (e.g. "api:hotline", "simulator").</summary>
    public required string Actor { get; init; }

    /// <summary>The actor's seat or role, when known.</summary>
    public string? Seat { get; init; }

    public required DateTimeOffset At { get; init; }

    public string? FromState { get; init; }

    public string? ToState { get; init; }

    public string? Comment { get; init; }

    public DateTimeOffset? Deadline { get; init; }

    public int? PolicyVersion { get; init; }
}

/// <summary>Who is acting: a user, an outside system ("api:hotline") or the simulator, and the seat they act from.</summary>
public sealed record Actor(string Name, string? Seat = null)
{
    public static Actor System(string name) => new(name, "system");
}
