using CommandCenter.Core.Access;

namespace CommandCenter.Core.Alerts;

/// <summary>What staff do to an alert, step by step through the closed loop.</summary>
public enum AlertAction
{
    /// <summary>"I own it": stops the acknowledge clock.</summary>
    Acknowledge,

    /// <summary>Puts an acknowledged alert back in the queue.</summary>
    Unacknowledge,

    /// <summary>Teams are on their way.</summary>
    Dispatch,

    /// <summary>Work on site has started.</summary>
    StartHandling,

    /// <summary>The handler reports it fixed, with feedback.</summary>
    Resolve,

    /// <summary>Someone else checked the fix: closed.</summary>
    Verify,

    /// <summary>The check failed: back to the handler.</summary>
    SendBack,

    /// <summary>Unfounded or a duplicate: closed without work.</summary>
    Void,
}

/// <summary>
/// The one table of the closed loop: for each action, the states it applies to, the state it leads to and the roles
/// that may take it. An alert changes state only through an action, so the moves the state machine allows are
/// exactly the table's (<see cref="Moves"/>). Jurisdiction is checked by the caller, which knows the map.
/// </summary>
public static class AlertActions
{
    private static readonly Role[] Workers = [Role.Admin, Role.Leader, Role.DutyOfficer, Role.Staff];
    private static readonly Role[] Supervisors = [Role.Admin, Role.Leader, Role.DutyOfficer];

    private static readonly Dictionary<AlertAction, (AlertState[] From, AlertState To, Role[] Roles)> Rules = new()
    {
        [AlertAction.Acknowledge] = ([AlertState.Reported], AlertState.Acknowledged, Workers),
        [AlertAction.Unacknowledge] = ([AlertState.Acknowledged], AlertState.Reported, Workers),
        [AlertAction.Dispatch] = ([AlertState.Acknowledged], AlertState.Dispatched, Workers),
        [AlertAction.StartHandling] = ([AlertState.Acknowledged, AlertState.Dispatched, AlertState.Rework], AlertState.Handling, Workers),
        [AlertAction.Resolve] = ([AlertState.Handling, AlertState.Rework], AlertState.Resolved, Workers),
        [AlertAction.Verify] = ([AlertState.Resolved], AlertState.Closed, Workers),
        [AlertAction.SendBack] = ([AlertState.Resolved], AlertState.Rework, Workers),
        [AlertAction.Void] = ([AlertState.Reported, AlertState.Acknowledged], AlertState.Voided, Supervisors),
    };

    public static AlertState Target(AlertAction action) => Rules[action].To;

    public static IReadOnlyList<AlertState> From(AlertAction action) => Rules[action].From;

    /// <summary>Every state change some action makes: the alert state machine.</summary>
    public static IEnumerable<(AlertState From, AlertState To)> Moves =>
        Rules.Values.SelectMany(rule => rule.From, (rule, from) => (from, rule.To)).Distinct();

    /// <summary>The actions open to <paramref name="role"/> on an alert in <paramref name="state"/>.</summary>
    public static IEnumerable<AlertAction> Available(AlertState state, Role role) =>
        Rules.Where(r => r.Value.From.Contains(state) && r.Value.Roles.Contains(role)).Select(r => r.Key);

    /// <summary>
    /// Throws a <see cref="WorkflowDeniedException"/> when the role may not take the action at all, else a
    /// <see cref="DomainRuleException"/> when the alert's state does not allow it; each says why.
    /// </summary>
    public static void Ensure(AlertAction action, AlertState state, Role role)
    {
        var (from, _, roles) = Rules[action];
        if (!roles.Contains(role))
        {
            throw new WorkflowDeniedException($"A {role} may not {action} an alert; that needs one of: {string.Join(", ", roles)}.");
        }

        if (!from.Contains(state))
        {
            throw new DomainRuleException($"Cannot {action} an alert that is {state}; {action} applies to {string.Join(" or ", from)} alerts.");
        }
    }
}

/// <summary>The actor lacks the role or jurisdiction for an action (HTTP 403), as opposed to a rule about state (409).</summary>
public sealed class WorkflowDeniedException(string message) : Exception(message);

/// <summary>Someone else changed the alert first: says who holds it and since when.</summary>
public sealed class AlertConflictException(string message, string? holder, DateTimeOffset? since) : Exception(message)
{
    public string? Holder { get; } = holder;

    public DateTimeOffset? Since { get; } = since;
}

/// <summary>One step of the closed loop, as the audit trail records it.</summary>
public sealed record AlertTransition(AlertAction Action, AlertState From, AlertState To, DateTimeOffset? DeadlineThatApplied, Operator By, string? Comment);
