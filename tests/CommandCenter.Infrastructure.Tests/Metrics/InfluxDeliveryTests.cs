using System.Globalization;
using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Metrics.InfluxDB;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>
/// The outbox and delivery loop against a real influxd 1.6: database creation, batches, what InfluxDB itself stores,
/// redelivery without duplicates and a batch InfluxDB will never take. Each test has its own database.
/// </summary>
[Trait(TestCategory.Name, TestCategory.InfluxDB)]
public sealed class InfluxDeliveryTests(InfluxServerFixture influx) : IClassFixture<InfluxServerFixture>, IDisposable
{
    private readonly TempDirectory _dir = new("cc-metrics");
    private readonly string _database = InfluxServerFixture.NewDatabase();

    private InfluxServer Server => influx.Server;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Write_NewDatabase_IsCreatedAndEveryPointArrivesInBatches()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, MetricsHost.InfluxSettings(Server, _database));
        var producer = new SequenceProducer("batches");

        producer.Write(host.Writer, 12_000);
        await host.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(60));

        using var databases = await Server.QueryAsync("SHOW DATABASES");
        Assert.Contains(_database, databases.RootElement.GetRawText(), StringComparison.Ordinal);
        await producer.AssertEachPointOnceAsync(Server, _database, 12_000);
        Assert.Equal(0, await OutboxRowsAsync(host));
        Assert.NotNull(host.Writer.Lag.LastStoredAt);
    }

    [Fact]
    public async Task Write_AwkwardTagValues_AreStoredInInfluxDBAsTheyAre()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, MetricsHost.InfluxSettings(Server, _database));
        string[] values = ["湖滨街道 第1网格", "a b,c=d", "it's \"quoted\""];

        foreach (var value in values)
        {
            host.Writer.Write(MetricPoint.Occurrence("named_events", new Dictionary<string, string> { ["name"] = value }, StoreHost.Start));
        }

        await host.WaitUntilCaughtUpAsync();

        // What Grafana or the influx shell would see: PointData's escaping undone by the server, nothing of ours left.
        using var tags = await Server.QueryAsync("SHOW TAG VALUES FROM \"named_events\" WITH KEY = \"name\"", _database);
        var stored = tags.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values")
            .EnumerateArray().Select(v => v[1].GetString()).ToList();
        Assert.Equal(values.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Redelivery_OfRowsAlreadyWritten_DoesNotDuplicateThem()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, MetricsHost.InfluxSettings(Server, _database), start: false);
        var producer = new SequenceProducer("redelivery");
        var outbox = host.Get<InfluxOutbox>();
        await outbox.AppendAsync([.. Enumerable.Range(0, 500).Select(i => SequenceProducer.Point("redelivery", i))], CancellationToken.None);
        var rows = await outbox.ReadOldestAsync(1_000, CancellationToken.None);
        await host.StartServicesAsync();
        await host.WaitUntilCaughtUpAsync();

        // A crash after InfluxDB's 204 but before the outbox delete: the same rows, same ids, are sent again.
        await PutBackAsync(host, rows);
        await SequenceProducer.WaitForAsync(async () => await OutboxRowsAsync(host) == 0, "the rows are sent again");

        await producer.AssertEachPointOnceAsync(Server, _database, 500);
    }

    [Fact]
    public async Task TwoServersOutboxes_TheSamePointFromEach_ArriveAsTwoPoints()
    {
        // Each server's outbox numbers its rows from 1: only the writer numbers a shared store gives them (the first
        // outbox 0, the second 1; see OutboxWriterTests) keep the two first rows apart in InfluxDB.
        using var otherServer = new TempDirectory("cc-metrics");
        var settings = MetricsHost.InfluxSettings(Server, _database);
        await using var a = await MetricsHost.StartAsync(_dir.Path, settings);
        await using var b = await MetricsHost.StartAsync(otherServer.Path, settings, start: false);
        await using (var db = await b.Get<IDbContextFactory<CommandCenterDbContext>>().CreateDbContextAsync())
        {
            // B's store stands for the shared one, where A registered first: B holds the second number.
            var registration = new OutboxRegistration { DataDir = otherServer.Path, Writer = 1, RegisteredAt = StoreHost.Start, LastSeenAt = DateTimeOffset.UtcNow };
            db.MetricOutboxes.Add(registration);
            await db.SaveChangesAsync();
            b.Get<MetricsDatabase>().KeepWriter(new KeptWriter(1, registration.Id), null);
        }

        await b.StartServicesAsync();
        var point = MetricPoint.Occurrence("shared_events", new Dictionary<string, string> { ["town"] = "330188001" }, StoreHost.Start);

        a.Writer.Write(point);
        b.Writer.Write(point);

        await SequenceProducer.WaitForAsync(async () => await OutboxRowsAsync(a) == 0 && await OutboxRowsAsync(b) == 0 && a.Writer.Lag.PendingPoints == 0 && b.Writer.Lag.PendingPoints == 0, "both outboxes delivered");
        Assert.Equal(2, await Server.ScalarAsync("SELECT count(\"count\") FROM shared_events", _database));
    }

    [Fact]
    public async Task RejectedBatch_IsDroppedAndCountedAndLaterPointsStillArrive()
    {
        // Field "seq" already holds strings in this shard (field types are per shard: same week as the points): InfluxDB
        // refuses floats for it (400, field type conflict).
        using (await Server.QueryAsync($"CREATE DATABASE \"{_database}\""))
        {
        }

        using var http = new HttpClient { BaseAddress = Server.Url };
        using var conflict = new StringContent($"seq_events,run=rejected seq=\"text\" {StoreHost.Start.AddHours(-1).ToUnixTimeMilliseconds()}", System.Text.Encoding.UTF8);
        (await http.PostAsync($"write?db={_database}&precision=ms", conflict)).EnsureSuccessStatusCode();
        await using var host = await MetricsHost.StartAsync(_dir.Path, MetricsHost.InfluxSettings(Server, _database));

        new SequenceProducer("rejected").Write(host.Writer, 3);
        await SequenceProducer.WaitForAsync(() => host.Writer.Lag.DroppedPoints == 3, "the batch is dropped");
        host.Writer.Write(MetricPoint.Occurrence("alert_events", new Dictionary<string, string>(), StoreHost.Start));
        await host.WaitUntilCaughtUpAsync();

        var events = await host.Reader.QueryAsync(new MetricQuery("alert_events", MetricPoint.CountField, MetricAggregate.Count, StoreHost.Start, StoreHost.Start.AddHours(1)));
        Assert.Equal([new MetricValue(StoreHost.Start, null, 1)], events);
        Assert.Equal(0, await OutboxRowsAsync(host));
    }

    [Fact]
    public async Task QueryAsync_ServerUnreachable_ThrowsMetricStoreException()
    {
        var settings = MetricsHost.InfluxSettings(Server, _database);
        settings["Metrics:InfluxDB:Url"] = $"http://127.0.0.1:{ClosedPort()}";
        await using var host = await MetricsHost.StartAsync(_dir.Path, settings);

        var error = await Assert.ThrowsAsync<MetricStoreException>(() =>
            host.Reader.QueryAsync(new MetricQuery("alert_events", "count", MetricAggregate.Count, StoreHost.Start, StoreHost.Start.AddHours(1))));

        Assert.Contains("InfluxDB at http://127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.False(await host.Reader.PingAsync());
    }

    private static async Task<long> OutboxRowsAsync(MetricsHost host)
    {
        await using var connection = host.Get<MetricsDatabase>().Open();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM MetricOutbox";
        return Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task PutBackAsync(MetricsHost host, IReadOnlyList<OutboxRow> rows)
    {
        await using var connection = host.Get<MetricsDatabase>().Open();
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO MetricOutbox (Id, Measurement, Time, Tags, Fields) VALUES ($id, $measurement, $time, $tags, $fields)";
        foreach (var row in rows)
        {
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$id", row.Id);
            insert.Parameters.AddWithValue("$measurement", row.Point.Measurement);
            insert.Parameters.AddWithValue("$time", row.Point.Timestamp.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$tags", MetricsDatabase.TagsJson(row.Point));
            insert.Parameters.AddWithValue("$fields", MetricsDatabase.FieldsJson(row.Point));
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
