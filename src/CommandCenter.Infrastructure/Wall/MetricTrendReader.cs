using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Metrics;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Wall;

/// <summary>
/// Reads the settled part of a wall's trend — new alerts per <see cref="WallProjection.TrendBucket"/> by the severity
/// they were raised with — from the metric store (<c>alert_events</c>, change = raised), so a load no longer scans
/// hours of alerts in the operational store. Null means "not from here": the store is behind its writer, cannot
/// answer for the scope, failed or timed out, and the caller counts from the operational store instead, so a dead
/// metric server never blanks a wall.
/// </summary>
/// <remarks>
/// Settled means older than <see cref="Settle"/>: a point waits up to a second in the writer's buffer (longer on its
/// way to InfluxDB) before a query can see it, so the newest minute is left to the operational store, read in the
/// same transaction as the versions the feed is de-duplicated against. The boundary is exact: both stores keep
/// whole milliseconds, a raised point is dated when the alert was reported, and the boundary is a whole millisecond,
/// so each alert falls on exactly one side of it.
/// </remarks>
public sealed class MetricTrendReader(IMetricReader reader, IMetricWriter writer, TimeProvider time, ILogger<MetricTrendReader> logger)
{
    /// <summary>How far back the metric store is trusted to hold every point: far beyond the writer's one-second flush.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(1);

    /// <summary>The longest a load waits for the metric store: a hanging server must not keep a wall from loading.</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    public const string Measurement = "alert_events";

    /// <summary>The severity tag as the recorder writes it (the enum's names); not Enum.TryParse, which takes numbers and lists too.</summary>
    private static readonly Dictionary<string, Severity> Severities = Enum.GetValues<Severity>().ToDictionary(s => s.ToString(), StringComparer.Ordinal);

    /// <summary>
    /// Counts per bucket and severity of alerts raised in <paramref name="scope"/> from <paramref name="from"/> up to
    /// <paramref name="until"/> (exclusive), or null when the operational store must answer instead.
    /// </summary>
    public async Task<IReadOnlyList<TrendCount>?> ReadAsync(AdminNode scope, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        if (ScopeFilter(scope) is not { } where)
        {
            return null;
        }

        var lag = writer.Lag;
        if (MetricsBehind.Is(lag))
        {
            // Points it has not stored yet may be hours old: counting without them would show a quiet city.
            logger.LogInformation("Wall {ScopeCode}: trend from the operational store, the metric store is behind ({MetricsLag}; {MetricsError})",
                scope.Code, lag.Describe(), lag.LastError);
            return null;
        }

        var query = new MetricQuery(Measurement, MetricPoint.CountField, MetricAggregate.Count, from, until)
        {
            Bucket = WallProjection.TrendBucket,
            GroupBy = "severity",
            Where = where,
        };
        using var timeout = new CancellationTokenSource(QueryTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        IReadOnlyList<MetricValue> values;
        try
        {
            values = await reader.QueryAsync(query, linked.Token);
        }
        catch (MetricStoreException ex)
        {
            logger.LogWarning(ex, "Wall {ScopeCode}: the metric store could not answer for the trend; counting from the operational store", scope.Code);
            return null;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Wall {ScopeCode}: the metric store did not answer for the trend within {Timeout}; counting from the operational store",
                scope.Code, QueryTimeout);
            return null;
        }

        var counts = new List<TrendCount>(values.Count);
        foreach (var value in values)
        {
            if (value.Group is { } group && Severities.TryGetValue(group, out var severity))
            {
                counts.Add(new TrendCount(value.Time, severity, (int)Math.Round(value.Value)));
            }
            else
            {
                logger.LogWarning("Wall {ScopeCode}: {Count} raised alerts with severity {Severity} in the metric store are not on the trend",
                    scope.Code, value.Value, value.Group);
            }
        }

        return counts;
    }

    /// <summary>
    /// The tags that pick the scope's points. Walls show the city or a town; any other scope (null) counts from the
    /// operational store.
    /// </summary>
    private static Dictionary<string, string>? ScopeFilter(AdminNode scope) => scope.Level switch
    {
        NodeLevel.City => new(StringComparer.Ordinal) { ["change"] = "raised" },
        NodeLevel.Town => new(StringComparer.Ordinal) { ["change"] = "raised", ["town"] = scope.Code },
        _ => null,
    };
}
