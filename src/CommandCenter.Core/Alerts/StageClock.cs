namespace CommandCenter.Core.Alerts;

/// <summary>Traffic light of a stage deadline: green below 80 % of the limit, amber 80–100 %, red past it.</summary>
public enum TrafficLight
{
    Green,
    Amber,
    Red,
}

public static class StageClock
{
    public const double AmberShare = 0.8;

    /// <summary>The light for a stage that started at <paramref name="startedAt"/> and is due at <paramref name="deadline"/>; final alerts (no deadline) are green.</summary>
    public static TrafficLight Light(DateTimeOffset startedAt, DateTimeOffset? deadline, DateTimeOffset now)
    {
        if (deadline is not { } due)
        {
            return TrafficLight.Green;
        }

        if (now > due)
        {
            return TrafficLight.Red;
        }

        var limit = due - startedAt;
        return limit > TimeSpan.Zero && (now - startedAt) >= limit * AmberShare ? TrafficLight.Amber : TrafficLight.Green;
    }
}
