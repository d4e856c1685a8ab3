using System.Threading.Channels;
using CommandCenter.Core.Metrics;
using CommandCenter.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>
/// The buffer and batch writer on the embedded store (the same code feeds the InfluxDB outbox): a batch is written
/// at <c>Metrics:BatchSize</c> points or <c>Metrics:FlushInterval</c> after its first point, whichever comes first;
/// <see cref="IMetricWriter.Write"/> never waits for it; a full buffer spills to the store; shutdown stores the rest.
/// The writer's clock is a fake one that only the tests move, so no flush can happen because the machine was slow.
/// </summary>
public sealed class MetricWriterTests : IDisposable
{
    private static readonly DateTimeOffset _at = StoreHost.Start;

    private readonly TempDirectory _dir = new("cc-metrics");
    private readonly TimerWatchingClock _time = new(_at);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Write_FewerPointsThanABatch_StoredOnceTheFlushIntervalHasPassed()
    {
        var interval = TimeSpan.FromSeconds(1);
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(batchSize: 5_000, flushInterval: interval), _time, start: false);
        Write(host, 3);

        // Written before the writer starts, so its first batch holds all three when it starts waiting.
        await host.StartServicesAsync();
        var wait = await _time.NextTimerAsync();
        _time.Advance(interval - TimeSpan.FromTicks(1));
        var early = (Stored: await StoredAsync(host), host.Writer.Lag.PendingPoints);
        _time.Advance(TimeSpan.FromTicks(1));
        await host.WaitUntilCaughtUpAsync();

        Assert.Equal(interval, wait); // checked first: a shorter wait would have fired inside the first Advance
        Assert.Equal((0, 3), early);
        Assert.Equal(3, await StoredAsync(host));
    }

    [Fact]
    public async Task Write_AFullBatch_StoredWithoutWaitingForTheInterval()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(batchSize: 5), _time);

        Write(host, 5);
        await host.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(10)); // the clock never moves: only a full batch gets out

        Assert.Equal(5, await StoredAsync(host));
    }

    [Fact]
    public async Task Write_MorePointsThanABatch_LeavesTheRemainderForTheInterval()
    {
        var interval = TimeSpan.FromMinutes(1);
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(batchSize: 5, flushInterval: interval), _time, start: false);
        Write(host, 7);

        // A full batch is written without a timer; the first timer is the remainder's batch waiting for the interval.
        await host.StartServicesAsync();
        var wait = await _time.NextTimerAsync();
        var waiting = (Stored: await StoredAsync(host), host.Writer.Lag.PendingPoints);
        _time.Advance(interval - TimeSpan.FromTicks(1));
        var early = (Stored: await StoredAsync(host), host.Writer.Lag.PendingPoints);
        _time.Advance(TimeSpan.FromTicks(1));
        await host.WaitUntilCaughtUpAsync();

        Assert.Equal(interval, wait); // checked first: a shorter wait would have fired inside the first Advance
        Assert.Equal((5, 2), waiting);
        Assert.Equal((5, 2), early);
        Assert.Equal(7, await StoredAsync(host));
    }

    [Fact]
    public async Task Write_WithoutTheBatchWriterRunning_ReturnsAtOnceAndReportsTheLag()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(), _time, start: false);

        Write(host, 3);

        Assert.Equal(3, host.Writer.Lag.PendingPoints);
        Assert.Equal("metrics lagging by 3 points", host.Writer.Lag.Describe());
        Assert.Equal(0, await StoredAsync(host));
    }

    [Fact]
    public async Task Write_BufferFull_StoresTheOverflowDirectlyInsteadOfDroppingIt()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(bufferCapacity: 3), _time, start: false);

        Write(host, 8);

        Assert.Equal(5, await StoredAsync(host));
        Assert.Equal(3, host.Writer.Lag.PendingPoints);
        Assert.Equal(0, host.Writer.Lag.DroppedPoints);
    }

    [Fact]
    public async Task StopAsync_PointsStillBuffered_AreStoredBeforeTheHostStops()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(), _time);
        Write(host, 4);

        await host.StopAsync(); // the clock never moves: only the shutdown drain can store them

        Assert.Equal(4, await StoredAsync(host));
        Assert.Equal(0, host.Writer.Lag.PendingPoints);
    }

    [Fact]
    public async Task Write_AfterStop_IsStoredDirectly()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(), _time);
        await host.StopAsync();

        Write(host, 2);

        Assert.Equal(2, await StoredAsync(host));
    }

    [Fact]
    public async Task Write_StoredPoints_SurviveARestart()
    {
        await using (var first = await MetricsHost.StartAsync(_dir.Path, Settings(batchSize: 6), _time))
        {
            Write(first, 6);
            await first.WaitUntilCaughtUpAsync();
        }

        await using var second = await MetricsHost.StartAsync(_dir.Path, Settings(), _time);

        Assert.Equal(6, await StoredAsync(second));
    }

    /// <summary>Embedded-store settings; the flush interval is a minute unless a test moves the clock to it.</summary>
    private static Dictionary<string, string?> Settings(int batchSize = 5_000, TimeSpan? flushInterval = null, int bufferCapacity = 100_000)
    {
        var settings = MetricsHost.EmbeddedSettings();
        settings["Metrics:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Metrics:FlushInterval"] = (flushInterval ?? TimeSpan.FromMinutes(1)).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
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

    /// <summary>
    /// A fake clock that reports each timer made on it. Moving time before the batch writer has armed its wait would
    /// move it past nothing, so a test first waits for that timer (the only one on the embedded store).
    /// </summary>
    private sealed class TimerWatchingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _timers.Writer.TryWrite(dueTime);
            return timer;
        }

        /// <summary>Waits (up to 10 s of real time) for the next timer to be made, and returns its due time.</summary>
        public async Task<TimeSpan> NextTimerAsync()
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                return await _timers.Reader.ReadAsync(patience.Token);
            }
            catch (OperationCanceledException) when (patience.IsCancellationRequested)
            {
                throw new TimeoutException("The batch writer made no timer on the fake clock within 10 s.");
            }
        }
    }
}
