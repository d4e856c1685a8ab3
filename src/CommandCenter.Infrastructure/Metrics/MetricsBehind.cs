using CommandCenter.Core.Metrics;

namespace CommandCenter.Infrastructure.Metrics;

/// <summary>
/// When the metric store counts as behind its writer: the latest attempt to store failed, or more points are waiting
/// than /readyz tolerates. One rule for the wall's "metrics lagging" notice and for not trusting the store's trend,
/// so a wall never shows a trend it says is incomplete.
/// </summary>
public static class MetricsBehind
{
    /// <summary>More than this many points waiting is lag worth reporting even while writes succeed (two batches).</summary>
    public const long LaggingAbove = 10_000;

    public static bool Is(MetricLag lag) => lag.LastError is not null || lag.PendingPoints > LaggingAbove;

    /// <summary>The points to name in the notice, or null for no notice (nothing waiting is nothing to say "lagging by").</summary>
    public static long? NoticePoints(MetricLag lag) => Is(lag) && lag.PendingPoints > 0 ? lag.PendingPoints : null;
}
