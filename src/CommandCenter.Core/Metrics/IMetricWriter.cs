namespace CommandCenter.Core.Metrics;

/// <summary>
/// Records metric points. <see cref="Write"/> returns at once and never waits for the metric store: points are
/// buffered and written in batches in the background, and kept durably while the store is unreachable, so a slow or
/// absent metric store never slows down a request. A point accepted here reaches the store exactly once.
/// </summary>
public interface IMetricWriter
{
    /// <summary>Queues a point for the store and returns without waiting for it.</summary>
    void Write(MetricPoint point);

    /// <summary>How far the store is behind this writer (for /readyz and the wall: "metrics lagging by N points").</summary>
    MetricLag Lag { get; }
}

/// <summary>
/// What has been accepted but is not in the metric store yet.
/// </summary>
/// <param name="PendingPoints">Accepted, not yet stored: buffered in memory or waiting in the durable outbox.</param>
/// <param name="DroppedPoints">Points lost since start: refused by the store as invalid, or not storable locally (disk full…).</param>
/// <param name="LastStoredAt">When a batch last reached the store, if one has since start.</param>
/// <param name="LastError">Why the latest attempt to reach the store failed; null once an attempt succeeds.</param>
public sealed record MetricLag(long PendingPoints, long DroppedPoints, DateTimeOffset? LastStoredAt, string? LastError)
{
    /// <summary>For people: "metrics lagging by N points" (or "metrics up to date").</summary>
    public string Describe() => PendingPoints == 0 ? "metrics up to date" : $"metrics lagging by {PendingPoints} points";
}
