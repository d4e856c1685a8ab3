using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Testing;
using CommandCenter.Web.Wall;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Web.Tests.Wall;

/// <summary>
/// The wall's 6-hour trend at load and resync: the settled past from the metric store (the real embedded one, or a
/// fake that fails), the last minute from the alerts table, each alert counted once across the two and the feed.
/// The clock starts at 10:00 in the city, on a bucket boundary.
/// </summary>
public sealed class WallTrendTests : WallTestContext
{
    private const string City = "330188";
    private static readonly string Grid = DemoCity.GridCode(0, 1, 2);
    private static readonly string OtherGrid = DemoCity.GridCode(1, 0, 1);

    [Fact]
    public async Task Load_RaisedPointsInTheMetricStore_ShowInTheirBucketsBySeverity()
    {
        await UseStoreAsync();
        await StorePointsAsync([
            RaisedPoint(Grid, Severity.General, TimeSpan.FromMinutes(25)),
            RaisedPoint(OtherGrid, Severity.General, TimeSpan.FromMinutes(21)),
            RaisedPoint(Grid, Severity.Serious, TimeSpan.FromMinutes(29)),
            RaisedPoint(Grid, Severity.Major, TimeSpan.FromHours(3) + TimeSpan.FromMinutes(5)),
            RaisedPoint(Grid, Severity.Critical, TimeSpan.FromMinutes(25), AlertChange.RepeatMerged), // a repeat is no new alert
            RaisedPoint(Grid, Severity.General, TimeSpan.FromHours(7)), // before the window
        ]);

        var trend = (await LoadedStateAsync(City)).View().Trend;

        Assert.Equal((2, 0, 1, 0), Counts(Bucket(trend, TimeSpan.FromMinutes(30)))); // 09:30–09:40
        Assert.Equal((0, 1, 0, 0), Counts(Bucket(trend, TimeSpan.FromMinutes(190)))); // 06:50–07:00
        Assert.Equal(4, trend.Sum(b => b.Total));
    }

    [Fact]
    public async Task Load_TownWall_CountsOnlyItsTownsRaisedPoints()
    {
        await UseStoreAsync();
        await StorePointsAsync([
            RaisedPoint(Grid, Severity.General, TimeSpan.FromMinutes(25)), // town 0
            RaisedPoint(OtherGrid, Severity.Serious, TimeSpan.FromMinutes(25)), // town 1
            RaisedPoint(DemoCity.GridCode(1, 3, 4), Severity.Serious, TimeSpan.FromMinutes(22)), // town 1
        ]);

        var trend = (await LoadedStateAsync(DemoCity.TownCode(1))).View().Trend;

        Assert.Equal((0, 0, 2, 0), Counts(Bucket(trend, TimeSpan.FromMinutes(30))));
        Assert.Equal(2, trend.Sum(b => b.Total));
    }

    [Fact]
    public async Task Load_SettledPast_CountsWhatTheMetricStoreHoldsNotTheAlertsTable()
    {
        await UseStoreAsync();
        await ReportAsync("store-only", Severity.Critical); // nothing recorded it as a metric
        Time.Advance(TimeSpan.FromMinutes(30));
        await StorePointsAsync([RaisedPoint(Grid, Severity.General, TimeSpan.FromMinutes(25))]);

        var trend = (await LoadedStateAsync(City)).View().Trend;

        Assert.Equal((1, 0), (trend.Sum(b => b.General), trend.Sum(b => b.Critical)));
    }

    [Fact]
    public async Task Load_AlertsEitherSideOfTheSettledBoundary_CountOnceEach()
    {
        await UseStoreAsync();
        using (RecordMetrics())
        {
            await ReportAsync("settled", Severity.General); // 10:00, in both stores
        }

        Time.Advance(TimeSpan.FromMinutes(5));
        var fresh = (await ReportAsync("fresh", Severity.Serious, OtherGrid)).Alert; // 10:05, its point still in the writer's buffer
        Time.Advance(TimeSpan.FromSeconds(30));

        var whileBuffered = (await LoadedStateAsync(City)).View().Trend[^1];
        await StorePointsAsync(FeedMetricsRecorder.ToPoints(AlertChanged.From(fresh, City, AlertChange.Raised, null, fresh.ReportedAt), DemoCity.Categories()));
        var onceStored = (await LoadedStateAsync(City)).View().Trend[^1];

        // 10:04:30 splits them: the settled one from the metric store, the fresh one from the alerts table.
        Assert.Equal((1, 0, 1, 0), Counts(whileBuffered));
        Assert.Equal((1, 0, 1, 0), Counts(onceStored));
    }

    [Fact]
    public async Task Load_AlertRaisedWhileLoading_CountsOnceAtEveryLaterLoad()
    {
        await UseStoreAsync();
        using var metrics = RecordMetrics();
        var state = NewState(City); // holds the feed until loaded
        using var subscription = Feed.Subscribe(ApplyTo(state));
        var snapshot = await LoadSnapshotAsync(City);
        await ReportAsync("during-load"); // stored and recorded after the snapshot was read; its message is held

        state.Load(snapshot);
        var fromTheFeed = state.View().Trend.Sum(b => b.Total);
        Time.Advance(TimeSpan.FromSeconds(30));
        await ReloadAsync(state, City);
        var fromTheAlertsTable = state.View().Trend.Sum(b => b.Total);
        Time.Advance(TimeSpan.FromMinutes(2));
        await ReloadAsync(state, City);
        var fromTheMetricStore = state.View().Trend.Sum(b => b.Total);

        Assert.Equal((1, 1, 1), (fromTheFeed, fromTheAlertsTable, fromTheMetricStore));
    }

    [Fact]
    public async Task Load_MetricStoreFails_CountsFromTheAlertsTableAndWarns()
    {
        await UseStoreAsync();
        var logger = new RecordingLogger<MetricTrendReader>();
        Services.AddSingleton<IMetricReader>(new FailingMetricReader());
        Services.AddSingleton<ILogger<MetricTrendReader>>(logger);
        await ReportAsync("a", Severity.Serious);
        Time.Advance(TimeSpan.FromMinutes(30));

        var state = await Services.GetRequiredService<WallStateRegistry>().GetAsync(City);

        Assert.Equal((0, 1), (state!.View().Trend.Sum(b => b.General), state.View().Trend.Sum(b => b.Serious)));
        Assert.Equal(1, state.View().Kpis.Open);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Exception is MetricStoreException);
    }

    [Fact]
    public async Task Load_MetricStoreHangs_CountsFromTheAlertsTableAfterTheTimeout()
    {
        await UseStoreAsync();
        var logger = new RecordingLogger<MetricTrendReader>();
        var reader = new HangingMetricReader();
        Services.AddSingleton<IMetricReader>(reader);
        Services.AddSingleton<ILogger<MetricTrendReader>>(logger);
        await ReportAsync("a", Severity.Serious);
        Time.Advance(TimeSpan.FromMinutes(30));

        var loading = Services.GetRequiredService<WallStateRegistry>().GetAsync(City);
        await reader.Asked.WaitAsync(TimeSpan.FromSeconds(10));
        Time.Advance(MetricTrendReader.QueryTimeout);
        var state = await loading.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, state!.View().Trend.Sum(b => b.Serious));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("within", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Load_MetricWriterBehind_CountsFromTheAlertsTable()
    {
        await UseStoreAsync();
        Services.AddSingleton<IMetricWriter>(new LagWriter { Lag = new MetricLag(12, 0, null, "InfluxDB at http://x refused the batch") });
        await StorePointsAsync([RaisedPoint(OtherGrid, Severity.Critical, TimeSpan.FromMinutes(25))]); // the part it has stored
        await ReportAsync("a");
        Time.Advance(TimeSpan.FromMinutes(30));

        var state = await Services.GetRequiredService<WallStateRegistry>().GetAsync(City);

        Assert.Equal((1, 0), (state!.View().Trend.Sum(b => b.General), state.View().Trend.Sum(b => b.Critical)));
    }

    [Fact]
    public async Task Resync_ReadsRaisedPointsThatReachedTheMetricStoreSince()
    {
        await UseStoreAsync();
        var registry = Services.GetRequiredService<WallStateRegistry>();
        var state = (await registry.GetAsync(City))!;
        await StorePointsAsync([RaisedPoint(Grid, Severity.Major, TimeSpan.FromMinutes(2))]); // e.g. written by another server

        var before = state.View().Trend.Sum(b => b.Major);
        Time.Advance(WallStateRegistry.ResyncInterval);
        await registry.ResyncCompletion(City);

        Assert.Equal((0, 1), (before, state.View().Trend.Sum(b => b.Major)));
    }

    private static (int General, int Major, int Serious, int Critical) Counts(TrendBucket bucket) =>
        (bucket.General, bucket.Major, bucket.Serious, bucket.Critical);

    /// <summary>The bucket that started <paramref name="ago"/> before now.</summary>
    private TrendBucket Bucket(IReadOnlyList<TrendBucket> trend, TimeSpan ago) => trend.Single(b => b.Start == Time.GetUtcNow() - ago);

    /// <summary>The point the recorder makes of an alert raised in <paramref name="grid"/> <paramref name="ago"/> before now.</summary>
    private MetricPoint RaisedPoint(string grid, Severity severity, TimeSpan ago, AlertChange change = AlertChange.Raised)
    {
        var at = Time.GetUtcNow() - ago;
        return Assert.Single(FeedMetricsRecorder.ToPoints(Raised(grid, severity, change: change) with { At = at, ReportedAt = at, OccurredAt = at }, DemoCity.Categories()));
    }

    private WallScopeState NewState(string scope) => new(Reference.Map.Find(scope)!, Reference, Time);

    private async Task<WallScopeState> LoadedStateAsync(string scope)
    {
        var state = NewState(scope);
        state.Load(await LoadSnapshotAsync(scope));
        return state;
    }

    /// <summary>A resync as the registry runs it: hold the feed, read, load.</summary>
    private async Task ReloadAsync(WallScopeState state, string scope)
    {
        state.HoldFeed();
        state.Load(await LoadSnapshotAsync(scope));
    }

    private Task<WallSnapshot> LoadSnapshotAsync(string scope) =>
        Services.GetRequiredService<IWallSnapshotSource>().LoadAsync(Reference.Map.Find(scope)!, CancellationToken.None);

    private static Func<FeedMessage, CancellationToken, ValueTask> ApplyTo(WallScopeState state) => (message, _) =>
    {
        state.Apply(message);
        return ValueTask.CompletedTask;
    };

    /// <summary>A hotline report through the real ingestion, which stores it and publishes on the feed.</summary>
    private Task<IngestResult> ReportAsync(string externalId, Severity severity = Severity.General, string? grid = null) =>
        Store.Get<AlertIngestionService>().IngestAsync(
            new NewAlertReport(AlertSource.Hotline, externalId, "0301", severity, grid ?? Grid, null, Time.GetUtcNow(), "楼道堆物"),
            Actor.System("api:hotline"));
}
