namespace CommandCenter.Core.Metrics;

/// <summary>Answers typed <see cref="MetricQuery"/> questions from the metric store, whichever store is configured.</summary>
public interface IMetricReader
{
    /// <summary>
    /// The aggregate per bucket and group, ordered by group (ordinal, null first) then time. Throws
    /// <see cref="ArgumentException"/> for an invalid query and <see cref="MetricStoreException"/> when the store
    /// cannot answer.
    /// </summary>
    Task<IReadOnlyList<MetricValue>> QueryAsync(MetricQuery query, CancellationToken ct = default);

    /// <summary>Whether the store answers right now (health checks).</summary>
    Task<bool> PingAsync(CancellationToken ct = default);
}

/// <summary>The metric store could not answer (unreachable, refused the query); the message says which store and why.</summary>
public sealed class MetricStoreException(string message, Exception? inner = null) : Exception(message, inner);
