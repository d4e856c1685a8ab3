namespace CommandCenter.Core.Notifications;

/// <summary>
/// Where a delivery may go from where it stands. A failed attempt keeps it Pending (a later attempt is scheduled);
/// Delivered is final, so a message that arrived is never sent again; only an administrator brings a given-up one back.
/// </summary>
public static class DeliveryStateRules
{
    private static readonly Dictionary<DeliveryState, DeliveryState[]> Allowed = new()
    {
        [DeliveryState.Pending] = [DeliveryState.Pending, DeliveryState.Delivered, DeliveryState.GaveUp],
        [DeliveryState.Delivered] = [],
        [DeliveryState.GaveUp] = [DeliveryState.Pending],
    };

    public static bool CanMove(DeliveryState from, DeliveryState to) => Allowed[from].Contains(to);

    public static void EnsureCanMove(DeliveryState from, DeliveryState to)
    {
        if (!CanMove(from, to))
        {
            throw new DomainRuleException(Allowed[from].Length == 0
                ? $"A delivery that is {from} stays so; it cannot become {to}."
                : $"A delivery cannot go from {from} to {to}; from {from} it can go to {string.Join(", ", Allowed[from])}.");
        }
    }
}
