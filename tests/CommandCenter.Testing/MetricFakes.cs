using CommandCenter.Core.Metrics;

namespace CommandCenter.Testing;

/// <summary>A metric writer whose lag a test sets: for what the wall and /readyz make of a store that is behind.</summary>
public sealed class LagWriter : IMetricWriter
{
    public static MetricLag CaughtUp { get; } = new(0, 0, null, null);

    public MetricLag Lag { get; set; } = CaughtUp;

    public void Write(MetricPoint point) => throw new NotSupportedException("This writer only reports a lag.");
}

/// <summary>A metric store that cannot answer, as InfluxDB down does.</summary>
public sealed class FailingMetricReader : IMetricReader
{
    public int Queries { get; private set; }

    public Task<IReadOnlyList<MetricValue>> QueryAsync(MetricQuery query, CancellationToken ct = default)
    {
        Queries++;
        throw new MetricStoreException("InfluxDB at http://127.0.0.1:9 is unreachable: Connection refused");
    }

    public Task<bool> PingAsync(CancellationToken ct = default) => Task.FromResult(false);
}

/// <summary>A metric store that takes a query and never answers, until the caller gives up.</summary>
public sealed class HangingMetricReader : IMetricReader
{
    private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a query has arrived (and so its caller's timeout is running).</summary>
    public Task Asked => _asked.Task;

    public async Task<IReadOnlyList<MetricValue>> QueryAsync(MetricQuery query, CancellationToken ct = default)
    {
        _asked.TrySetResult();
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    }

    public Task<bool> PingAsync(CancellationToken ct = default) => Task.FromResult(true);
}
