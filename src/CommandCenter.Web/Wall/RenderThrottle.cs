namespace CommandCenter.Web.Wall;

/// <summary>
/// Coalesces many change notifications into at most one render per <see cref="MinInterval"/>: the first request
/// after a quiet spell renders at once, requests during the interval fold into one render at its end. Time comes
/// from <see cref="TimeProvider"/>, so tests drive it.
/// </summary>
public sealed class RenderThrottle : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Func<Task> _render;
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private DateTimeOffset _lastRender = DateTimeOffset.MinValue;
    private bool _scheduled;
    private bool _disposed;

    public RenderThrottle(TimeProvider time, TimeSpan minInterval, Func<Task> render)
    {
        _time = time;
        MinInterval = minInterval;
        _render = render;
    }

    public TimeSpan MinInterval { get; }

    /// <summary>How many renders ran: a test can check that a burst coalesced.</summary>
    public int RenderCount { get; private set; }

    public void Request()
    {
        lock (_lock)
        {
            if (_disposed || _scheduled)
            {
                return;
            }

            _scheduled = true;
            var wait = _lastRender + MinInterval - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                _timer ??= _time.CreateTimer(_ => _ = FireAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _timer.Change(wait, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        _ = FireAsync();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private async Task FireAsync()
    {
        lock (_lock)
        {
            if (_disposed || !_scheduled)
            {
                return;
            }

            _scheduled = false;
            _lastRender = _time.GetUtcNow();
            RenderCount++;
        }

        await _render();
    }
}
