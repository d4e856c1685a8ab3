using CommandCenter.Core.Alerts;

namespace CommandCenter.Core.Audit;

/// <summary>
/// What an audit entry records. The store keeps the member's name as text, so a name is part of the stored data and
/// of the API's timeline: renaming one would orphan the entries already written under it.
/// </summary>
public enum AuditAction
{
    /// <summary>A new alert or petition warning.</summary>
    Raised,

    /// <summary>A repeated report merged into an open alert.</summary>
    RepeatMerged,

    /// <summary>A repeated report raised an open alert's severity (recorded next to its RepeatMerged).</summary>
    SeverityRaised,

    // The workflow's steps, one per AlertAction and named alike (see AuditActions.Of).
    Acknowledge,
    Unacknowledge,
    Dispatch,
    StartHandling,
    Resolve,
    Verify,
    SendBack,
    Void,

    /// <summary>An alert missed its stage deadline and climbed a rung.</summary>
    Escalated,

    /// <summary>A late report (迟报) was charged to the grid's responsible person.</summary>
    LateReportCharged,

    /// <summary>A follow-up (续报) to a petition warning.</summary>
    FollowUp,

    /// <summary>A petition warning's follow-up is overdue for its stage.</summary>
    FollowUpOverdue,

    /// <summary>A team reported a new status.</summary>
    StatusChanged,

    /// <summary>A grid went without a report or a check-in for too long.</summary>
    TurnedSilent,

    // Administration: every change an administrator makes (names are at most 32 characters, the stored width).
    UserCreated,
    UserChanged,
    UserDisabled,
    UserEnabled,
    UserUnlocked,
    PasswordReset,
    PasswordChanged,
    ApiKeyCreated,
    ApiKeyRevoked,
    TeamCreated,
    TeamChanged,
    TeamRetired,
    PolicyVersionCreated,

    /// <summary>A city map imported as a new division version (the first import included).</summary>
    DivisionImported,

    /// <summary>An open alert moved to the grid that now holds its place after a re-division, or placed there by an admin.</summary>
    MovedToGrid,

    // Duty rosters (值班表): a node's roster saved, imported or deleted, and the one-off swaps on it.
    DutyRosterChanged,
    DutyRosterImported,
    DutyRosterDeleted,
    DutySwapAdded,
    DutySwapRemoved,

    /// <summary>An administrator sent a notification delivery that had given up again.</summary>
    DeliveryResent,
}

/// <summary>The one mapping from a workflow step to the audit action that records it.</summary>
public static class AuditActions
{
    public static AuditAction Of(AlertAction action) => action switch
    {
        AlertAction.Acknowledge => AuditAction.Acknowledge,
        AlertAction.Unacknowledge => AuditAction.Unacknowledge,
        AlertAction.Dispatch => AuditAction.Dispatch,
        AlertAction.StartHandling => AuditAction.StartHandling,
        AlertAction.Resolve => AuditAction.Resolve,
        AlertAction.Verify => AuditAction.Verify,
        AlertAction.SendBack => AuditAction.SendBack,
        AlertAction.Void => AuditAction.Void,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "No audit action records this workflow action."),
    };
}
