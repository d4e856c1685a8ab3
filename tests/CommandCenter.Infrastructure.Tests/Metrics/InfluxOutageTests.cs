using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Testing;
using Microsoft.Data.Sqlite;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>
/// InfluxDB goes away while points keep coming — killed under a running writer, and across an app restart — and
/// every point arrives exactly once when it returns. Each test has its own influxd, since it kills it.
/// </summary>
[Trait(TestCategory.Name, TestCategory.InfluxDB)]
public sealed class InfluxOutageTests : IDisposable
{
    private readonly TempDirectory _dir = new("cc-metrics");
    private readonly string _database = InfluxServerFixture.NewDatabase();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task PointsWrittenWhileInfluxDBIsDown_ArriveExactlyOnceWhenItReturns()
    {
        await using var server = await InfluxServer.StartNewAsync();
        await using var host = await MetricsHost.StartAsync(_dir.Path, MetricsHost.InfluxSettings(server, _database));
        var producer = new SequenceProducer("outage");
        producer.Start(host.Writer);
        await SequenceProducer.WaitForAsync(() => host.Writer.Lag.LastStoredAt is not null && producer.Next > 500, "points flow into InfluxDB");

        await server.StopAsync();
        await SequenceProducer.WaitForAsync(() => host.Writer.Lag is { LastError: not null, PendingPoints: > 1_000 }, "points pile up in the outbox");
        var duringOutage = host.Writer.Lag;
        await server.StartAsync();
        await Task.Delay(500); // points keep coming after it returns
        var written = await producer.StopAsync();
        await host.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(60));

        await producer.AssertEachPointOnceAsync(server, _database, written);
        Assert.Contains("unreachable", duringOutage.LastError, StringComparison.Ordinal);
        Assert.StartsWith("metrics lagging by ", duringOutage.Describe(), StringComparison.Ordinal);
        Assert.Null(host.Writer.Lag.LastError);
        Assert.Equal(0, host.Writer.Lag.DroppedPoints);
    }

    [Fact]
    public async Task PointsWaitingAtAnAppRestart_ArriveExactlyOnceAfterTheRestart()
    {
        await using var server = await InfluxServer.StartNewAsync();
        var settings = MetricsHost.InfluxSettings(server, _database);
        var producer = new SequenceProducer("restart");
        await using (var before = await MetricsHost.StartAsync(_dir.Path, settings))
        {
            producer.Write(before.Writer, 300);
            await before.WaitUntilCaughtUpAsync();
            await server.StopAsync();
            producer.Write(before.Writer, 300);
            await before.StopAsync(); // the app shuts down while InfluxDB is away: what is buffered goes to the outbox
        }

        var waiting = OutboxRows();
        await using var after = await MetricsHost.StartAsync(_dir.Path, settings);
        await SequenceProducer.WaitForAsync(() => after.Writer.Lag.PendingPoints == 300, "the restarted app counts the waiting points");
        producer.Write(after.Writer, 300);
        await server.StartAsync();
        await after.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(300, waiting);
        await producer.AssertEachPointOnceAsync(server, _database, 900);
        Assert.Equal(0, OutboxRows());
    }

    private long OutboxRows()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, "metrics.db")};Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM MetricOutbox";
        return (long)count.ExecuteScalar()!;
    }
}
