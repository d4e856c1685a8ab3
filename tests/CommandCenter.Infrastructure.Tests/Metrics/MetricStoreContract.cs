using CommandCenter.Core.Metrics;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>
/// What every metric store answers alike, whichever adapter: each test writes through the real
/// <see cref="IMetricWriter"/> (buffer, batch writer, and for InfluxDB the outbox and delivery), waits until nothing
/// is pending, and reads back through <see cref="IMetricReader"/>. Subclasses pick the adapter.
/// </summary>
public abstract class MetricStoreContract : IAsyncLifetime
{
    /// <summary>An hour on a 5-minute boundary, as buckets are aligned to the epoch.</summary>
    protected static readonly DateTimeOffset T0 = StoreHost.Start;

    private const string TownA = "330188001";
    private const string TownB = "330188002";

    private readonly TempDirectory _dir = new("cc-metrics");
    private MetricsHost? _host;

    protected MetricsHost Host => _host!;

    protected abstract Dictionary<string, string?> Settings();

    public async Task InitializeAsync() => _host = await MetricsHost.StartAsync(_dir.Path, Settings());

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task QueryAsync_CountPerBucketByCategoryForOneTown_CountsEachBucketOfEachCategory()
    {
        await WriteAsync(
            Event(TownA, "0101", 1), Event(TownA, "0101", 2), Event(TownA, "0101", 6),
            Event(TownA, "0302", 3),
            Event(TownB, "0101", 4),
            Event(TownA, null, 7));

        var values = await Host.Reader.QueryAsync(new MetricQuery("alert_events", MetricPoint.CountField, MetricAggregate.Count, T0, T0.AddMinutes(10))
        {
            Bucket = TimeSpan.FromMinutes(5),
            GroupBy = "category",
            Where = new Dictionary<string, string> { ["town"] = TownA },
        });

        Assert.Equal(
            [
                new MetricValue(T0.AddMinutes(5), null, 1),
                new MetricValue(T0, "0101", 2),
                new MetricValue(T0.AddMinutes(5), "0101", 1),
                new MetricValue(T0, "0302", 1),
            ],
            values);
    }

    [Fact]
    public async Task QueryAsync_NoBucketNoGroup_GivesOneValueDatedAtTheStartOfTheRange()
    {
        await WriteAsync(Event(TownA, "0101", 1), Event(TownB, "0101", 2), Event(TownB, "0302", 3));

        var values = await Host.Reader.QueryAsync(new MetricQuery("alert_events", MetricPoint.CountField, MetricAggregate.Sum, T0.AddSeconds(30), T0.AddHours(1)));

        Assert.Equal([new MetricValue(T0.AddSeconds(30), null, 3)], values);
    }

    [Theory]
    [InlineData(MetricAggregate.Mean, 30, 100)]
    [InlineData(MetricAggregate.Sum, 90, 100)]
    [InlineData(MetricAggregate.Min, 10, 100)]
    [InlineData(MetricAggregate.Max, 60, 100)]
    [InlineData(MetricAggregate.Count, 3, 1)]
    public async Task QueryAsync_FieldAggregateByTown_AggregatesTheFieldOfEachTown(MetricAggregate aggregate, double townA, double townB)
    {
        await WriteAsync(
            Latency(TownA, 10, 1), Latency(TownA, 20, 2), Latency(TownA, 60, 3),
            Latency(TownB, 100, 1));

        var values = await Host.Reader.QueryAsync(new MetricQuery("ack_latency", "seconds", aggregate, T0, T0.AddHours(1)) { GroupBy = "town" });

        Assert.Equal([new MetricValue(T0, TownA, townA), new MetricValue(T0, TownB, townB)], values);
    }

    [Fact]
    public async Task QueryAsync_Range_IncludesItsStartAndExcludesItsEnd()
    {
        await WriteAsync(Event(TownA, "0101", 0), Event(TownA, "0101", 9.999), Event(TownA, "0101", 10));

        var values = await Host.Reader.QueryAsync(new MetricQuery("alert_events", MetricPoint.CountField, MetricAggregate.Count, T0, T0.AddMinutes(10)));

        Assert.Equal([new MetricValue(T0, null, 2)], values);
    }

    [Fact]
    public async Task QueryAsync_RangeStartingInsideABucket_KeepsEpochAlignedBucketsAndCountsOnlyPointsInRange()
    {
        await WriteAsync(Event(TownA, "0101", 1), Event(TownA, "0101", 3), Event(TownA, "0101", 4), Event(TownA, "0101", 12));

        var values = await Host.Reader.QueryAsync(new MetricQuery("alert_events", MetricPoint.CountField, MetricAggregate.Count, T0.AddMinutes(2), T0.AddMinutes(15))
        {
            Bucket = TimeSpan.FromMinutes(5),
        });

        // 5–10 has no point: absent, not zero.
        Assert.Equal([new MetricValue(T0, null, 2), new MetricValue(T0.AddMinutes(10), null, 1)], values);
    }

    [Fact]
    public async Task QueryAsync_OtherMeasurementsAndFieldsOnly_FindsNothing()
    {
        await WriteAsync(Latency(TownA, 10, 1));

        var noSuchMeasurement = await Host.Reader.QueryAsync(new MetricQuery("alert_events", MetricPoint.CountField, MetricAggregate.Count, T0, T0.AddHours(1)));
        var noSuchField = await Host.Reader.QueryAsync(new MetricQuery("ack_latency", "minutes", MetricAggregate.Count, T0, T0.AddHours(1)) { Bucket = TimeSpan.FromMinutes(5) });

        Assert.Empty(noSuchMeasurement);
        Assert.Empty(noSuchField);
    }

    /// <summary>Values that line protocol, InfluxQL or JSON each treat specially.</summary>
    private static readonly string[] _awkwardNames =
    [
        "湖滨街道 第1网格",
        "a,b",
        "a=b",
        "line one\nline two",
        "cr\r\nand\ttab",
        "double \"quotes\"",
        "it's",
        "back\\slash",
        "trailing backslash\\",
        "\\n (a backslash and an n)",
        "100% and %0A",
        " leading and trailing ",
        "'; DROP MEASUREMENT alert_events; --",
    ];

    public static TheoryData<string> AwkwardTagValues() => new(_awkwardNames);

    [Fact]
    public async Task QueryAsync_GroupByAwkwardTagValues_ReadsEveryValueBackIntact()
    {
        var names = _awkwardNames;
        await WriteAsync([.. names.Select((name, i) => Named(name, i))]);

        var values = await Host.Reader.QueryAsync(new MetricQuery("named_events", MetricPoint.CountField, MetricAggregate.Count, T0, T0.AddHours(1)) { GroupBy = "name" });

        Assert.Equal(names.Order(StringComparer.Ordinal), values.Select(v => v.Group));
        Assert.All(values, v => Assert.Equal(1, v.Value));
    }

    [Theory]
    [MemberData(nameof(AwkwardTagValues))]
    public async Task QueryAsync_FilterOnAnAwkwardTagValue_FindsExactlyThatPoint(string name)
    {
        var names = _awkwardNames;
        await WriteAsync([.. names.Select((n, i) => Named(n, i))]);

        var values = await Host.Reader.QueryAsync(new MetricQuery("named_events", "index", MetricAggregate.Sum, T0, T0.AddHours(1))
        {
            Where = new Dictionary<string, string> { ["name"] = name },
        });

        Assert.Equal([new MetricValue(T0, null, Array.IndexOf(names, name))], values);
    }

    [Fact]
    public async Task PingAsync_StoreUp_AnswersTrue()
    {
        Assert.True(await Host.Reader.PingAsync());
    }

    protected async Task WriteAsync(params MetricPoint[] points)
    {
        foreach (var point in points)
        {
            Host.Writer.Write(point);
        }

        await Host.WaitUntilCaughtUpAsync();
    }

    private static MetricPoint Event(string town, string? category, double minutes) => MetricPoint.Occurrence(
        "alert_events",
        category is null ? new Dictionary<string, string> { ["town"] = town } : new Dictionary<string, string> { ["town"] = town, ["category"] = category },
        T0.AddMinutes(minutes));

    private static MetricPoint Latency(string town, double seconds, double minutes) => new(
        "ack_latency", new Dictionary<string, string> { ["town"] = town }, new Dictionary<string, double> { ["seconds"] = seconds }, T0.AddMinutes(minutes));

    private static MetricPoint Named(string name, int index) => new(
        "named_events",
        new Dictionary<string, string> { ["name"] = name },
        new Dictionary<string, double> { [MetricPoint.CountField] = 1, ["index"] = index },
        T0.AddSeconds(index)); // separate series anyway; distinct times keep the test about tags only
}

/// <summary>The contract on the embedded store (SQLite in the data directory).</summary>
public sealed class EmbeddedMetricStoreTests : MetricStoreContract
{
    protected override Dictionary<string, string?> Settings() => MetricsHost.EmbeddedSettings();
}

/// <summary>The contract on a real InfluxDB 1.6 through the outbox, <c>/write</c> and InfluxQL on <c>/query</c>.</summary>
[Trait(TestCategory.Name, TestCategory.InfluxDB)]
public sealed class InfluxMetricStoreTests(InfluxServerFixture influx) : MetricStoreContract, IClassFixture<InfluxServerFixture>
{
    protected override Dictionary<string, string?> Settings() => MetricsHost.InfluxSettings(influx.Server, InfluxServerFixture.NewDatabase());
}
