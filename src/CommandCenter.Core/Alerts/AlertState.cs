namespace CommandCenter.Core.Alerts;

/// <summary>
/// Where an alert is in the closed loop (DOMAIN.md §4). Reported is where every alert starts; the other states
/// are driven by staff through <see cref="AlertWorkflow"/>.
/// </summary>
public enum AlertState
{
    Reported,
    Acknowledged,
    Dispatched,
    Handling,
    Resolved,
    Rework,
    Closed,
    Voided,
}

/// <summary>The one place that says which alert state changes are allowed.</summary>
public static class AlertWorkflow
{
    private static readonly Dictionary<AlertState, AlertState[]> Allowed = new()
    {
        [AlertState.Reported] = [AlertState.Acknowledged, AlertState.Voided],
        [AlertState.Acknowledged] = [AlertState.Reported, AlertState.Dispatched, AlertState.Handling, AlertState.Voided],
        [AlertState.Dispatched] = [AlertState.Handling, AlertState.Acknowledged],
        [AlertState.Handling] = [AlertState.Resolved],
        [AlertState.Resolved] = [AlertState.Closed, AlertState.Rework],
        [AlertState.Rework] = [AlertState.Handling, AlertState.Resolved],
        [AlertState.Closed] = [],
        [AlertState.Voided] = [],
    };

    public static bool CanMove(AlertState from, AlertState to) => Allowed[from].Contains(to);

    public static IReadOnlyList<AlertState> NextStates(AlertState from) => Allowed[from];

    /// <summary>Open alerts still need someone; Closed and Voided are final.</summary>
    public static bool IsOpen(AlertState state) => state is not (AlertState.Closed or AlertState.Voided);

    public static void EnsureCanMove(AlertState from, AlertState to)
    {
        if (!CanMove(from, to))
        {
            var next = Allowed[from];
            throw new DomainRuleException(next.Length == 0
                ? $"An alert in state {from} is final and cannot move to {to}."
                : $"An alert cannot move from {from} to {to}; from {from} it can move to {string.Join(", ", next)}.");
        }
    }
}
