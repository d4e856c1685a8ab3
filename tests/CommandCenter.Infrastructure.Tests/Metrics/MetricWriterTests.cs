using System.Diagnostics;
using CommandCenter.Core.Metrics;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>
/// The buffer and batch writer on the embedded store (the same code feeds the InfluxDB outbox): a batch is written
/// at <c>Metrics:BatchSize</c> points or <c>Metrics:FlushInterval</c> after its first point, whichever comes first;
/// <see cref="IMetricWriter.Write"/> never waits for it; a full buffer spills to the store; shutdown stores the rest.
/// </summary>
public sealed class MetricWriterTests : IDisposable
{
    private static readonly DateTimeOffset _at = StoreHost.Start;

    private readonly TempDirectory _dir = new("cc-metrics");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Write_FewerPointsThanABatch_StoredOnceTheFlushIntervalHasPassed()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(batchSize: 5_000, flushInterval: "00:00:01"));
        var clock = Stopwatch.StartNew();

        Write(host, 3);
        await Task.Delay(300);
        var early = await StoredAsync(host);
        await host.WaitUntilCaughtUpAsync();

        Assert.Equal(0, early);
        Assert.Equal(3, await StoredAsync(host));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Write_AFullBatch_StoredWithoutWaitingForTheInterval()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(batchSize: 5, flushInterval: "00:01:00"));

        Write(host, 5);
        await host.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(5, await StoredAsync(host));
    }

    [Fact]
    public async Task Write_MorePointsThanABatch_LeavesTheRemainderForTheInterval()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(batchSize: 5, flushInterval: "00:01:00"));

        Write(host, 7);
        await WaitForAsync(() => host.Writer.Lag.PendingPoints == 2);
        await Task.Delay(300);

        Assert.Equal(5, await StoredAsync(host));
        Assert.Equal(2, host.Writer.Lag.PendingPoints);
    }

    [Fact]
    public async Task Write_WithoutTheBatchWriterRunning_ReturnsAtOnceAndReportsTheLag()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(), start: false);

        Write(host, 3);

        Assert.Equal(3, host.Writer.Lag.PendingPoints);
        Assert.Equal("metrics lagging by 3 points", host.Writer.Lag.Describe());
        Assert.Equal(0, await StoredAsync(host));
    }

    [Fact]
    public async Task Write_BufferFull_StoresTheOverflowDirectlyInsteadOfDroppingIt()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(bufferCapacity: 3), start: false);

        Write(host, 8);

        Assert.Equal(5, await StoredAsync(host));
        Assert.Equal(3, host.Writer.Lag.PendingPoints);
        Assert.Equal(0, host.Writer.Lag.DroppedPoints);
    }

    [Fact]
    public async Task StopAsync_PointsStillBuffered_AreStoredBeforeTheHostStops()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(flushInterval: "00:01:00"));
        Write(host, 4);

        await host.StopAsync();

        Assert.Equal(4, await StoredAsync(host));
        Assert.Equal(0, host.Writer.Lag.PendingPoints);
    }

    [Fact]
    public async Task Write_AfterStop_IsStoredDirectly()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(flushInterval: "00:01:00"));
        await host.StopAsync();

        Write(host, 2);

        Assert.Equal(2, await StoredAsync(host));
    }

    [Fact]
    public async Task Write_StoredPoints_SurviveARestart()
    {
        await using (var first = await MetricsHost.StartAsync(_dir.Path, Settings()))
        {
            Write(first, 6);
            await first.WaitUntilCaughtUpAsync();
        }

        await using var second = await MetricsHost.StartAsync(_dir.Path, Settings());

        Assert.Equal(6, await StoredAsync(second));
    }

    private static Dictionary<string, string?> Settings(int batchSize = 5_000, string flushInterval = "00:00:00.050", int bufferCapacity = 100_000)
    {
        var settings = MetricsHost.EmbeddedSettings();
        settings["Metrics:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Metrics:FlushInterval"] = flushInterval;
        settings["Metrics:BufferCapacity"] = bufferCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    private static void Write(MetricsHost host, int count)
    {
        for (var i = 0; i < count; i++)
        {
            host.Writer.Write(MetricPoint.Occurrence("alert_events", new Dictionary<string, string> { ["town"] = "330188001" }, _at.AddSeconds(i)));
        }
    }

    private static async Task<double> StoredAsync(MetricsHost host)
    {
        var values = await host.Reader.QueryAsync(new MetricQuery("alert_events", MetricPoint.CountField, MetricAggregate.Count, _at, _at.AddDays(1)));
        return values.Sum(v => v.Value);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "Timed out waiting for the batch writer.");
            await Task.Delay(20);
        }
    }
}
