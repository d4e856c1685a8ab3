using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Web.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>The metric store on /readyz: degraded (never unhealthy) when it lags or is away, with the lag in words.</summary>
public sealed class MetricsHealthCheckTests
{
    [Fact]
    public async Task CheckHealthAsync_CaughtUp_IsHealthy()
    {
        var result = await CheckAsync(new MetricLag(0, 0, DateTimeOffset.UnixEpoch, null), reachable: true);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("metrics up to date.", result.Description);
    }

    [Fact]
    public async Task CheckHealthAsync_WritesFailing_IsDegradedWithTheLagAndTheReason()
    {
        var result = await CheckAsync(new MetricLag(1_234, 0, null, "InfluxDB at http://x is unreachable"), reachable: true);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("metrics lagging by 1234 points: InfluxDB at http://x is unreachable", result.Description);
        Assert.Equal(1_234L, result.Data["pendingPoints"]);
    }

    [Fact]
    public async Task CheckHealthAsync_StoreUnreachable_IsDegraded()
    {
        var result = await CheckAsync(new MetricLag(7, 0, null, null), reachable: false);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("Metric store unreachable; metrics lagging by 7 points.", result.Description);
    }

    [Fact]
    public async Task CheckHealthAsync_LargeLagWhileWritesSucceed_IsDegraded()
    {
        var result = await CheckAsync(new MetricLag(MetricsBehind.LaggingAbove + 1, 0, null, null), reachable: true);

        Assert.Equal(HealthStatus.Degraded, result.Status);
    }

    private static Task<HealthCheckResult> CheckAsync(MetricLag lag, bool reachable) =>
        new MetricsHealthCheck(new FixedWriter(lag), new FixedReader(reachable)).CheckHealthAsync(new HealthCheckContext());

    private sealed class FixedWriter(MetricLag lag) : IMetricWriter
    {
        public MetricLag Lag => lag;

        public void Write(MetricPoint point) => throw new NotSupportedException();
    }

    private sealed class FixedReader(bool reachable) : IMetricReader
    {
        public Task<IReadOnlyList<MetricValue>> QueryAsync(MetricQuery query, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<bool> PingAsync(CancellationToken ct = default) => Task.FromResult(reachable);
    }
}
