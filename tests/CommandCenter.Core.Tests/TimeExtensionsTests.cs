using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Core.Tests;

public class TimeExtensionsTests
{
    private static readonly TimeSpan _beijing = TimeSpan.FromHours(8);

    [Fact]
    public void TruncateToMilliseconds_SubMillisecondTicks_AreDropped()
    {
        var value = new DateTimeOffset(2026, 11, 27, 10, 0, 0, 123, _beijing).AddTicks(4567);

        var truncated = value.TruncateToMilliseconds();

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, 123, _beijing), truncated);
    }

    [Fact]
    public void TruncateToMilliseconds_Offset_IsKept()
    {
        var value = new DateTimeOffset(2026, 11, 27, 10, 0, 0, 123, _beijing).AddTicks(9999);

        var truncated = value.TruncateToMilliseconds();

        Assert.Equal(_beijing, truncated.Offset);
        Assert.Equal(10, truncated.Hour);
    }

    [Fact]
    public void TruncateToMilliseconds_WholeMilliseconds_AreUnchanged()
    {
        var value = new DateTimeOffset(2026, 11, 27, 10, 0, 0, 999, _beijing);

        Assert.Equal(value, value.TruncateToMilliseconds());
    }

    [Fact]
    public void Now_FromTimeProvider_IsUtcAtMillisecondPrecision()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 2, 0, 0, 5, TimeSpan.Zero).AddTicks(1234));

        var now = time.Now();

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 2, 0, 0, 5, TimeSpan.Zero), now);
        Assert.Equal(TimeSpan.Zero, now.Offset);
    }
}
