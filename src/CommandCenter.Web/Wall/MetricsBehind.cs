using CommandCenter.Core.Metrics;
using CommandCenter.Web.Hosting;

namespace CommandCenter.Web.Wall;

/// <summary>
/// When the metric store counts as behind its writer: the latest attempt to store failed, or more points are waiting
/// than /readyz tolerates. One rule for the wall's "metrics lagging" notice and for not trusting the store's trend,
/// so a wall never shows a trend it says is incomplete.
/// </summary>
internal static class MetricsBehind
{
    public static bool Is(MetricLag lag) => lag.LastError is not null || lag.PendingPoints > MetricsHealthCheck.LaggingAbove;

    /// <summary>The points to name in the notice, or null for no notice (nothing waiting is nothing to say "lagging by").</summary>
    public static long? NoticePoints(MetricLag lag) => Is(lag) && lag.PendingPoints > 0 ? lag.PendingPoints : null;
}
