using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Web.Hosting;
using CommandCenter.Web.Wall;

namespace CommandCenter.Web.Tests.Wall;

/// <summary>When the wall says the metric store is behind (and stops trusting its trend): the rule /readyz degrades on.</summary>
public sealed class MetricsBehindTests
{
    [Theory]
    [InlineData(0, null, false, null)]
    [InlineData(MetricsBehind.LaggingAbove, null, false, null)] // up to two batches waiting while writes succeed
    [InlineData(MetricsBehind.LaggingAbove + 1, null, true, MetricsBehind.LaggingAbove + 1)]
    [InlineData(7, "InfluxDB at http://x is unreachable", true, 7L)]
    [InlineData(0, "Could not store a metric point locally: disk full", true, null)] // behind, but nothing waits to be named
    public void Is_BehindOnAnErrorOrTooManyWaiting(long pending, string? error, bool behind, long? notice)
    {
        var lag = new MetricLag(pending, 0, null, error);

        Assert.Equal((behind, notice), (MetricsBehind.Is(lag), MetricsBehind.NoticePoints(lag)));
    }
}
