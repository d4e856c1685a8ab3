namespace CommandCenter.Core.Access;

/// <summary>The seats of a command centre. A Wall is a display device: it watches, it never acts.</summary>
public enum Role
{
    Admin,
    Leader,
    DutyOfficer,
    Staff,
    Wall,
}

/// <summary>A signed-in person acting on alerts: who, in which seat, and the node whose subtree is theirs.</summary>
public sealed record Operator(string UserId, string DisplayName, Role Role, string NodeCode)
{
    /// <summary>Duty officers and above may void alerts and take over another person's acknowledgement.</summary>
    public bool IsSupervisor => Role is Role.Admin or Role.Leader or Role.DutyOfficer;

    public bool CanAct => Role is not Role.Wall;
}
