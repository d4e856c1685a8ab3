using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;

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

    /// <summary>A user account (by user name).</summary>
    User,

    /// <summary>An ingestion API key (by id).</summary>
    ApiKey,

    /// <summary>A version of the escalation policy (by version number).</summary>
    Policy,

    /// <summary>A version of the city's division into towns, communities and grids (by version number).</summary>
    Division,

    /// <summary>A node's duty roster (by node code).</summary>
    DutyRoster,

    /// <summary>One delivery of a notification to one recipient on one channel (by delivery id).</summary>
    NotificationDelivery,
}

/// <summary>
/// One state change: who, in which seat, when, from → to, why, and the deadline that applied. Written in the same
/// transaction as the change; never updated. Built by the factories below, so each kind of subject records its
/// states, policy version and actor the same way wherever the change happens. Sealed into its subject's trail
/// (<see cref="AuditChain"/>) by the store just before it is written, under the write lock that orders the trail.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; init; }

    public required AuditSubject Subject { get; init; }

    /// <summary>The id or code of the alert, warning, team, deployment or grid.</summary>
    public required string SubjectId { get; init; }

    /// <summary>What happened, e.g. Raised, RepeatMerged, StatusChanged, FollowUp; stored as its name.</summary>
    public required AuditAction Action { get; init; }

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

    /// <summary>
    /// An alert's version after the change (null for other subjects and for entries written before it was kept), so
    /// the end of an alert's trail can be checked against the alert itself: a deleted last entry shows.
    /// </summary>
    public long? SubjectVersion { get; init; }

    /// <summary>
    /// SHA-256 over this entry's content and the hash of the entry before it in its subject's trail
    /// (<see cref="AuditChain.HashOf"/>); null until sealed.
    /// </summary>
    public byte[]? Hash { get; private set; }

    /// <summary>
    /// Links this entry to <paramref name="previousHash"/>, the hash of its subject's latest entry (null when it opens
    /// the trail). Sealing again (a save retried after a rollback) links it to the head as it is then.
    /// </summary>
    public void SealAfter(byte[]? previousHash) => Hash = AuditChain.HashOf(this, previousHash);

    /// <summary>A workflow step on an alert: the action, the move and the deadline of the stage it left.</summary>
    public static AuditEntry ForTransition(Alert alert, AlertTransition step, DateTimeOffset at)
    {
        var actor = Audit.Actor.Of(step.By);
        return new AuditEntry
        {
            Subject = AuditSubject.Alert,
            SubjectId = alert.Id.ToString(),
            Action = AuditActions.Of(step.Action),
            Actor = actor.Name,
            Seat = actor.Seat,
            At = at,
            FromState = step.From.ToString(),
            ToState = step.To.ToString(),
            Comment = step.Comment,
            Deadline = step.DeadlineThatApplied,
            PolicyVersion = alert.PolicyVersion,
            SubjectVersion = alert.Version,
        };
    }

    /// <summary>
    /// Something that happened to an alert outside the workflow, which leaves its state as it is: raised (there is no
    /// state before it), a repeat merged, escalated, a late report charged.
    /// </summary>
    public static AuditEntry ForAlert(Alert alert, AuditAction action, Actor actor, DateTimeOffset at, string? comment = null, DateTimeOffset? deadline = null) => new()
    {
        Subject = AuditSubject.Alert,
        SubjectId = alert.Id.ToString(),
        Action = action,
        Actor = actor.Name,
        Seat = actor.Seat,
        At = at,
        FromState = action == AuditAction.Raised ? null : alert.State.ToString(),
        ToState = alert.State.ToString(),
        Comment = comment,
        Deadline = deadline,
        PolicyVersion = alert.PolicyVersion,
        SubjectVersion = alert.Version,
    };

    /// <summary>A petition warning opened (<paramref name="from"/> null) or changed from the stage <paramref name="from"/> to its stage now.</summary>
    public static AuditEntry ForPetition(
        PetitionWarning warning, AuditAction action, Actor actor, DateTimeOffset at, PetitionStage? from, string? comment, DateTimeOffset? deadline = null) => new()
    {
        Subject = AuditSubject.PetitionWarning,
        SubjectId = warning.Id.ToString(),
        Action = action,
        Actor = actor.Name,
        Seat = actor.Seat,
        At = at,
        FromState = from?.ToString(),
        ToState = warning.Stage.ToString(),
        Comment = comment,
        Deadline = deadline,
        PolicyVersion = warning.PolicyVersion,
    };

    /// <summary>A team's status report: from <paramref name="from"/> to its status now.</summary>
    public static AuditEntry ForTeam(Team team, TeamStatus from, Actor actor, DateTimeOffset at, string? comment) => new()
    {
        Subject = AuditSubject.Team,
        SubjectId = team.Code,
        Action = AuditAction.StatusChanged,
        Actor = actor.Name,
        Seat = actor.Seat,
        At = at,
        FromState = from.ToString(),
        ToState = team.Status.ToString(),
        Comment = comment,
    };

    /// <summary>
    /// A grid turned silent. Its deadline is the moment it fell silent, which tells one silence from the next: the
    /// job writes each silence once by looking for it.
    /// </summary>
    public static AuditEntry ForSilentGrid(string gridCode, Actor actor, DateTimeOffset at, DateTimeOffset silentFrom, string comment) => new()
    {
        Subject = AuditSubject.Grid,
        SubjectId = gridCode,
        Action = AuditAction.TurnedSilent,
        Actor = actor.Name,
        Seat = actor.Seat,
        At = at,
        FromState = "Active",
        ToState = "Silent",
        Comment = comment,
        Deadline = silentFrom,
    };

    /// <summary>
    /// An administrator's change: a user, an API key, a team, a policy version or a division version. The comment
    /// says what changed in words people read ("角色 Staff → DutyOfficer"); secrets never go into it.
    /// </summary>
    public static AuditEntry ForAdmin(AuditSubject subject, string subjectId, AuditAction action, Actor actor, DateTimeOffset at, string? comment = null) => new()
    {
        Subject = subject,
        SubjectId = subjectId,
        Action = action,
        Actor = actor.Name,
        Seat = actor.Seat,
        At = at,
        Comment = comment,
    };
}

/// <summary>Who is acting: a user, an outside system ("api:hotline") or the simulator, and the seat they act from.</summary>
public sealed record Actor(string Name, string? Seat = null)
{
    public static Actor System(string name) => new(name, "system");

    /// <summary>A signed-in person, seated as their role at their node (e.g. "Staff@330188001").</summary>
    public static Actor Of(Operator by) => new(by.DisplayName, $"{by.Role}@{by.NodeCode}");
}
