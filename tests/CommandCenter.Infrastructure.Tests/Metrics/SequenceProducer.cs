using System.Diagnostics;
using System.Globalization;
using CommandCenter.Core.Metrics;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>
/// Numbered points (field <c>seq</c> = 0, 1, 2…) in one series of <c>seq_events</c>, so a test can tell lost and
/// duplicated points apart: exactly once means count = distinct count = n and sum = n(n−1)/2. All points share nine
/// timestamps, so only the outbox identity keeps InfluxDB from merging them; nine, not ten, so that rows 10,000 apart
/// (the identity's bound for one series in one millisecond) never share one.
/// </summary>
internal sealed class SequenceProducer(string run)
{
    public const string Measurement = "seq_events";

    private static readonly DateTimeOffset _at = StoreHost.Start;

    private CancellationTokenSource? _stop;
    private Task? _running;

    public int Next { get; private set; }

    public void Write(IMetricWriter writer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            writer.Write(Point(run, Next++));
        }
    }

    /// <summary>Keeps writing ~1,000 points a second on a background task until <see cref="StopAsync"/>.</summary>
    public void Start(IMetricWriter writer)
    {
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        _running = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Write(writer, 10);
                await Task.Delay(10, CancellationToken.None);
            }
        });
    }

    /// <summary>Stops the background writing; returns how many points were written in all.</summary>
    public async Task<int> StopAsync()
    {
        await _stop!.CancelAsync();
        await _running!;
        _stop.Dispose();
        return Next;
    }

    /// <summary>Checks the database holds points 0…n−1 of this run, each exactly once.</summary>
    public async Task AssertEachPointOnceAsync(InfluxServer server, string database, int n)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"WHERE \"run\" = '{run}' AND time >= 0 AND time < {DateTimeOffset.UtcNow.AddYears(10).ToUnixTimeMilliseconds()}ms");
        var count = await server.ScalarAsync($"SELECT COUNT(\"seq\") FROM \"{Measurement}\" {where}", database);
        var distinct = await server.ScalarAsync($"SELECT COUNT(DISTINCT(\"seq\")) FROM \"{Measurement}\" {where}", database);
        var sum = await server.ScalarAsync($"SELECT SUM(\"seq\") FROM \"{Measurement}\" {where}", database);
        var max = await server.ScalarAsync($"SELECT MAX(\"seq\") FROM \"{Measurement}\" {where}", database);

        Assert.Equal(n, count);
        Assert.Equal(n, distinct);
        Assert.Equal((double)n * (n - 1) / 2, sum);
        Assert.Equal(n - 1, max);
    }

    public static Task WaitForAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitForAsync(() => Task.FromResult(condition()), what, timeout);

    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, $"Timed out after {limit} waiting until {what}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Point <paramref name="seq"/> of a run.</summary>
    public static MetricPoint Point(string run, int seq) => new(
        Measurement,
        new Dictionary<string, string> { ["run"] = run },
        new Dictionary<string, double> { ["seq"] = seq },
        _at.AddMilliseconds(seq % 9));
}
