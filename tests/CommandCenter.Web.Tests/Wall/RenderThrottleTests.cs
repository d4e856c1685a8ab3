using CommandCenter.Web.Wall;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Web.Tests.Wall;

public sealed class RenderThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly FakeTimeProvider _time = new();
    private int _renders;

    private RenderThrottle Create() => new(_time, Interval, () =>
    {
        _renders++;
        return Task.CompletedTask;
    });

    [Fact]
    public void Request_AfterAQuietSpell_RendersAtOnce()
    {
        using var throttle = Create();

        throttle.Request();

        Assert.Equal(1, _renders);
    }

    [Fact]
    public void Request_BurstWithinTheInterval_CoalescesIntoOneMoreRender()
    {
        using var throttle = Create();
        throttle.Request();

        for (var i = 0; i < 1000; i++)
        {
            throttle.Request();
        }

        Assert.Equal(1, _renders);
        _time.Advance(Interval);
        Assert.Equal(2, _renders);
        _time.Advance(Interval * 4);
        Assert.Equal(2, _renders);
    }

    [Fact]
    public void Request_SteadyStream_RendersAtMostOncePerInterval()
    {
        using var throttle = Create();

        for (var ms = 0; ms < 5000; ms += 10)
        {
            throttle.Request();
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.InRange(_renders, 19, 21); // 5 s / 250 ms
        Assert.Equal(_renders, throttle.RenderCount);
    }

    [Fact]
    public void Dispose_CancelsThePendingRender()
    {
        var throttle = Create();
        throttle.Request();
        throttle.Request();

        throttle.Dispose();
        _time.Advance(Interval * 2);

        Assert.Equal(1, _renders);
    }
}
