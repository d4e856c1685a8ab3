using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Policies;

namespace CommandCenter.Testing;

/// <summary>
/// Puts an alert into any state the way people would, through the workflow's own actions: a handler takes it on,
/// a second person checks the fix, a duty officer voids. For tests that need an alert in a state, not its history.
/// </summary>
public static class AlertSteps
{
    public static readonly Operator Handler = new("u-steps-handler", "处置员", Role.Staff, "330188");
    public static readonly Operator Checker = new("u-steps-checker", "核查员", Role.Staff, "330188");
    public static readonly Operator DutyOfficer = new("u-steps-duty", "值班员", Role.DutyOfficer, "330188");

    private static readonly StageDeadlines Deadlines = new(TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(24), TimeSpan.FromHours(4));

    /// <summary>The actions, by whom, that take a newly reported alert to <paramref name="target"/>.</summary>
    public static IReadOnlyList<(AlertAction Action, Operator By)> PathTo(AlertState target) => target switch
    {
        AlertState.Reported => [],
        AlertState.Acknowledged => [(AlertAction.Acknowledge, Handler)],
        AlertState.Dispatched => [.. PathTo(AlertState.Acknowledged), (AlertAction.Dispatch, Handler)],
        AlertState.Handling => [.. PathTo(AlertState.Acknowledged), (AlertAction.StartHandling, Handler)],
        AlertState.Resolved => [.. PathTo(AlertState.Handling), (AlertAction.Resolve, Handler)],
        AlertState.Rework => [.. PathTo(AlertState.Resolved), (AlertAction.SendBack, Checker)],
        AlertState.Closed => [.. PathTo(AlertState.Resolved), (AlertAction.Verify, Checker)],
        AlertState.Voided => [(AlertAction.Void, DutyOfficer)],
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };

    /// <summary>Walks a newly reported alert to <paramref name="target"/> at <paramref name="at"/>.</summary>
    public static Alert WalkTo(this Alert alert, AlertState target, DateTimeOffset at, StageDeadlines? deadlines = null)
    {
        foreach (var (action, by) in PathTo(target))
        {
            alert.Apply(action, by, action == AlertAction.Resolve ? "已处理" : null, deadlines ?? Deadlines, at);
        }

        return alert;
    }
}
