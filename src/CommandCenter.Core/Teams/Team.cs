using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Core.Teams;

/// <summary>Kinds of service team (组团式服务).</summary>
public enum TeamType
{
    SecurityPatrol,
    DisputeMediation,
    Medical,
    Culture,
    GeneralService,
}

/// <summary>A team's status, as in CAD systems.</summary>
public enum TeamStatus
{
    Available,
    Dispatched,
    EnRoute,
    OnScene,
    Returning,
    OffDuty,
}

public enum MemberRole
{
    PartyRepresentative,
    Deputy,
    RetiredCadre,
    Volunteer,
    Cadre,
    PoliceOfficer,
    SocialWorker,
    MigrantOfficer,
    Patroller,
}

public sealed record TeamMember(string Name, MemberRole Role, string? Phone);

/// <summary>The one place that says which team status changes are allowed.</summary>
public static class TeamStatusRules
{
    private static readonly Dictionary<TeamStatus, TeamStatus[]> Allowed = new()
    {
        [TeamStatus.Available] = [TeamStatus.Dispatched, TeamStatus.OffDuty],
        [TeamStatus.Dispatched] = [TeamStatus.EnRoute, TeamStatus.OnScene, TeamStatus.Available],
        [TeamStatus.EnRoute] = [TeamStatus.OnScene, TeamStatus.Available],
        [TeamStatus.OnScene] = [TeamStatus.Returning, TeamStatus.Available],
        [TeamStatus.Returning] = [TeamStatus.Available, TeamStatus.Dispatched, TeamStatus.OffDuty],
        [TeamStatus.OffDuty] = [TeamStatus.Available],
    };

    public static bool CanMove(TeamStatus from, TeamStatus to) => Allowed[from].Contains(to);

    /// <summary>Statuses in which the team is working an assignment.</summary>
    public static bool IsDeployed(TeamStatus status) => status is TeamStatus.Dispatched or TeamStatus.EnRoute or TeamStatus.OnScene;

    public static void EnsureCanMove(TeamStatus from, TeamStatus to)
    {
        if (!CanMove(from, to))
        {
            throw new DomainRuleException(
                $"A team cannot go from {from} to {to}; from {from} it can go to {string.Join(", ", Allowed[from])}.");
        }
    }
}

/// <summary>A service team at grid, community, town or city level.</summary>
public sealed class Team
{
    private Team()
    {
        // For EF Core.
        Code = Name = NodeCode = null!;
        Members = [];
    }

    public Team(string code, string name, TeamType type, NodeLevel level, string nodeCode, IReadOnlyList<TeamMember> members, GeoPoint? position, DateTimeOffset now)
    {
        Code = code;
        Name = name;
        Type = type;
        Level = level;
        NodeCode = nodeCode;
        Members = [.. members];
        Latitude = position?.Latitude;
        Longitude = position?.Longitude;
        Status = TeamStatus.Available;
        StatusSince = now;
        PositionAt = now;
    }

    public string Code { get; private set; }

    public string Name { get; private set; }

    public TeamType Type { get; private set; }

    public NodeLevel Level { get; private set; }

    /// <summary>The node the team belongs to (city, town, community or grid).</summary>
    public string NodeCode { get; private set; }

    public List<TeamMember> Members { get; private set; }

    public TeamStatus Status { get; private set; }

    public DateTimeOffset StatusSince { get; private set; }

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public DateTimeOffset PositionAt { get; private set; }

    /// <summary>The alert the team is working, if any.</summary>
    public Guid? CurrentAlertId { get; private set; }

    public long Version { get; private set; }

    /// <summary>When an administrator retired the team: it keeps its history but is no longer shown or dispatched.</summary>
    public DateTimeOffset? RetiredAt { get; private set; }

    /// <summary>
    /// Changes status through the rules. Dispatching needs an alert; going Available or OffDuty ends the assignment.
    /// </summary>
    public TeamStatus ChangeStatus(TeamStatus next, Guid? alertId, DateTimeOffset now)
    {
        EnsureNotRetired();
        TeamStatusRules.EnsureCanMove(Status, next);
        if (next == TeamStatus.Dispatched && alertId is null)
        {
            throw new DomainRuleException($"Team {Code} can only be dispatched to an alert; give the alert's id.");
        }

        if (alertId is not null && next != TeamStatus.Dispatched && CurrentAlertId != alertId)
        {
            throw new DomainRuleException($"Team {Code} is assigned to {CurrentAlertId?.ToString() ?? "nothing"}, not to alert {alertId}.");
        }

        var previous = Status;
        Status = next;
        StatusSince = now;
        if (next == TeamStatus.Dispatched)
        {
            CurrentAlertId = alertId;
        }
        else if (next is TeamStatus.Available or TeamStatus.OffDuty)
        {
            CurrentAlertId = null;
        }

        Version++;
        return previous;
    }

    public void MoveTo(GeoPoint position, DateTimeOffset now)
    {
        Latitude = position.Latitude;
        Longitude = position.Longitude;
        PositionAt = now;
        Version++;
    }

    /// <summary>
    /// An administrator's edit of who the team is and where it belongs. Its status and assignment stay as they are:
    /// those move only through status reports. A null <paramref name="position"/> forgets the last known one.
    /// </summary>
    public void Revise(string name, TeamType type, NodeLevel level, string nodeCode, IReadOnlyList<TeamMember> members, GeoPoint? position, DateTimeOffset now)
    {
        EnsureNotRetired();
        Name = name;
        Type = type;
        Level = level;
        NodeCode = nodeCode;
        Members = [.. members];
        if (position?.Latitude != Latitude || position?.Longitude != Longitude)
        {
            Latitude = position?.Latitude;
            Longitude = position?.Longitude;
            PositionAt = now;
        }

        Version++;
    }

    /// <summary>
    /// Takes the team out of service for good: it keeps its code, deployments and audit trail, but is no longer shown
    /// or dispatched. Retiring is not a duty status, so it stands outside <see cref="TeamStatusRules"/>: the team is
    /// left off duty without an assignment. Whether it may retire (not working an open alert) is the caller's check,
    /// as only the store knows which alerts are open.
    /// </summary>
    public void Retire(DateTimeOffset at)
    {
        EnsureNotRetired();
        RetiredAt = at;
        Status = TeamStatus.OffDuty;
        StatusSince = at;
        CurrentAlertId = null;
        Version++;
    }

    private void EnsureNotRetired()
    {
        if (RetiredAt is { } retired)
        {
            throw new DomainRuleException($"Team {Code} was retired at {retired:O}; a retired team is neither changed nor dispatched.");
        }
    }
}

/// <summary>A team working an alert, with a timestamp for each status it went through.</summary>
public sealed class Deployment
{
    private Deployment()
    {
        // For EF Core.
        TeamCode = null!;
    }

    public Deployment(Guid id, string teamCode, Guid alertId, DateTimeOffset now)
    {
        Id = id;
        TeamCode = teamCode;
        AlertId = alertId;
        Status = TeamStatus.Dispatched;
        DispatchedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }

    public string TeamCode { get; private set; }

    public Guid AlertId { get; private set; }

    public TeamStatus Status { get; private set; }

    public DateTimeOffset DispatchedAt { get; private set; }

    public DateTimeOffset? EnRouteAt { get; private set; }

    public DateTimeOffset? OnSceneAt { get; private set; }

    public DateTimeOffset? ReturningAt { get; private set; }

    /// <summary>When the team was released from this alert; null while the deployment is active.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsActive => EndedAt is null;

    /// <summary>Stamps the team's new status on the deployment; Available or OffDuty ends it.</summary>
    public void Record(TeamStatus status, DateTimeOffset now)
    {
        if (!IsActive)
        {
            throw new DomainRuleException($"Deployment {Id} of team {TeamCode} has already ended.");
        }

        Status = status;
        UpdatedAt = now;
        switch (status)
        {
            case TeamStatus.EnRoute: EnRouteAt = now; break;
            case TeamStatus.OnScene: OnSceneAt = now; break;
            case TeamStatus.Returning: ReturningAt = now; EndedAt = null; break;
            case TeamStatus.Available or TeamStatus.OffDuty: EndedAt = now; break;
        }
    }
}
