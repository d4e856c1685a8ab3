namespace CommandCenter.Core;

/// <summary>The city's local time: "today" on a wall is the city's day, not UTC's. China has no daylight saving.</summary>
public static class CityClock
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset Local(DateTimeOffset instant) => instant.ToOffset(Offset);

    /// <summary>Local midnight that starts the day containing <paramref name="instant"/>.</summary>
    public static DateTimeOffset StartOfDay(DateTimeOffset instant)
    {
        var local = Local(instant);
        return new DateTimeOffset(local.Year, local.Month, local.Day, 0, 0, 0, Offset);
    }
}
