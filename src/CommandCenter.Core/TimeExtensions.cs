namespace CommandCenter.Core;

public static class TimeExtensions
{
    /// <summary>The store keeps milliseconds; truncating up front means what a caller sees is what is stored.</summary>
    public static DateTimeOffset TruncateToMilliseconds(this DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMillisecond), value.Offset);

    /// <summary>Now, in UTC, at the store's precision.</summary>
    public static DateTimeOffset Now(this TimeProvider time) => time.GetUtcNow().TruncateToMilliseconds();
}
