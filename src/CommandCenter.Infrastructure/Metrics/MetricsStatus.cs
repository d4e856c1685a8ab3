using CommandCenter.Core.Metrics;

namespace CommandCenter.Infrastructure.Metrics;

/// <summary>
/// Counters behind <see cref="IMetricWriter.Lag"/>, shared by the buffer, the batch writer and the InfluxDB delivery
/// loop. Thread-safe: each writes its own part.
/// </summary>
public sealed class MetricsStatus
{
    private readonly Lock _lock = new();
    private long _bufferedPoints;
    private long _outboxPoints;
    private long _droppedPoints;
    private DateTimeOffset? _lastStoredAt;
    private string? _storeError;
    private string? _localError;

    /// <summary>Points accepted by the writer and not yet in the target (in the buffer or in the batch being written).</summary>
    public long BufferedPoints => Interlocked.Read(ref _bufferedPoints);

    /// <summary>Points in the durable outbox (InfluxDB only), as last counted.</summary>
    public long OutboxPoints => Interlocked.Read(ref _outboxPoints);

    internal void Buffered(long change) => Interlocked.Add(ref _bufferedPoints, change);

    internal void SetOutboxPoints(long count) => Interlocked.Exchange(ref _outboxPoints, Math.Max(0, count));

    internal void Dropped(long count) => Interlocked.Add(ref _droppedPoints, count);

    /// <summary>A batch reached the store (InfluxDB's 2xx, or the embedded table's commit).</summary>
    internal void Stored(DateTimeOffset at)
    {
        lock (_lock)
        {
            _lastStoredAt = at;
            _storeError = null;
        }
    }

    /// <summary>The store did not take a batch; it is kept and retried.</summary>
    internal void StoreFailed(string error)
    {
        lock (_lock)
        {
            _storeError = error;
        }
    }

    /// <summary>The local SQLite file (outbox or embedded table) did not take a batch; null clears it.</summary>
    internal void LocalFailed(string? error)
    {
        lock (_lock)
        {
            _localError = error;
        }
    }

    internal MetricLag Snapshot()
    {
        lock (_lock)
        {
            return new MetricLag(Math.Max(0, BufferedPoints) + OutboxPoints, Interlocked.Read(ref _droppedPoints), _lastStoredAt, _localError ?? _storeError);
        }
    }
}

/// <summary>Where the batch writer puts points: the embedded table, or the InfluxDB outbox.</summary>
public interface IMetricBatchTarget
{
    /// <summary>Stores a batch durably in one transaction; throws if it could not (the caller keeps the batch and retries).</summary>
    Task AppendAsync(IReadOnlyList<MetricPoint> points, CancellationToken ct);

    /// <summary>Stores one point at once on the caller's thread: the overflow path when the in-memory buffer is full.</summary>
    void Append(MetricPoint point);
}
