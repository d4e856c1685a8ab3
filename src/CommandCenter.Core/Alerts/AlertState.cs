namespace CommandCenter.Core.Alerts;

/// <summary>
/// Where an alert is in the closed loop (the domain notes in wwwroot-assets/docs/). Reported is where every alert starts;
/// staff move it on through the actions of <see cref="AlertActions"/>, the only way it changes state.
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
