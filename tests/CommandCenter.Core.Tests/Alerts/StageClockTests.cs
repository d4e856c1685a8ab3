using CommandCenter.Core.Alerts;

namespace CommandCenter.Core.Tests.Alerts;

public sealed class StageClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = Start.AddMinutes(100);

    [Theory]
    [InlineData(0, TrafficLight.Green)]
    [InlineData(79, TrafficLight.Green)]
    [InlineData(80, TrafficLight.Amber)]
    [InlineData(100, TrafficLight.Amber)]
    [InlineData(101, TrafficLight.Red)]
    public void Light_FollowsTheShareOfTheLimitUsed(int minutesIn, TrafficLight expected) =>
        Assert.Equal(expected, StageClock.Light(Start, Due, Start.AddMinutes(minutesIn)));

    [Fact]
    public void Light_WithoutADeadline_IsGreen() => Assert.Equal(TrafficLight.Green, StageClock.Light(Start, null, Start.AddDays(9)));
}
