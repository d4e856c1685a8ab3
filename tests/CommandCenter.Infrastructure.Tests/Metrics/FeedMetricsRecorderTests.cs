using CommandCenter.Core.Alerts;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Metrics;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>Domain changes on the live feed become metric points, readable per town, category and bucket.</summary>
public sealed class FeedMetricsRecorderTests : IDisposable
{
    private const string TownA = "330188001";
    private const string TownB = "330188002";

    private static readonly DateTimeOffset _at = StoreHost.Start;

    private static readonly Core.Catalog.CategoryTree Categories = DemoCity.Categories();

    private readonly TempDirectory _dir = new("cc-metrics");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AlertChanges_AreCountedPerCategoryAndKindOfChangeForTheirTown()
    {
        var feed = new ManualFeed();
        await using var host = await MetricsHost.StartAsync(_dir.Path, MetricsHost.EmbeddedSettings(), feed: feed);

        feed.Publish(Alert(TownA, "0101", AlertChange.Raised, _at.AddMinutes(1)));
        feed.Publish(Alert(TownA, "0302", AlertChange.Raised, _at.AddMinutes(2)));
        feed.Publish(Alert(TownA, "0101", AlertChange.RepeatMerged, _at.AddMinutes(3)));
        feed.Publish(Alert(TownB, "0101", AlertChange.Raised, _at.AddMinutes(4)));
        await host.WaitUntilCaughtUpAsync();

        var raised = await CountAsync(host, "alert_events", "category", new() { ["town"] = TownA, ["change"] = "raised" });
        var merged = await CountAsync(host, "alert_events", "category", new() { ["town"] = TownA, ["change"] = "merged" });
        Assert.Equal([new MetricValue(_at, "0101", 1), new MetricValue(_at, "0302", 1)], raised);
        Assert.Equal([new MetricValue(_at, "0101", 1)], merged);
    }

    [Fact]
    public async Task FirstAcknowledgement_RecordsTheTransitionAndTheLatencySinceTheReport()
    {
        var feed = new ManualFeed();
        await using var host = await MetricsHost.StartAsync(_dir.Path, MetricsHost.EmbeddedSettings(), feed: feed);

        feed.Publish(Alert(TownA, "0101", AlertChange.StateChanged, _at.AddSeconds(90), AlertState.Acknowledged, AlertState.Reported));
        await host.WaitUntilCaughtUpAsync();

        var latency = await host.Reader.QueryAsync(new MetricQuery("ack_latency", "seconds", MetricAggregate.Mean, _at, _at.AddHours(1)) { GroupBy = "town" });
        var transitions = await CountAsync(host, "alert_transitions", "to", new() { ["from"] = "Reported" });
        Assert.Equal([new MetricValue(_at, TownA, 90)], latency);
        Assert.Equal([new MetricValue(_at, "Acknowledged", 1)], transitions);
    }

    [Fact]
    public void ToPoints_LaterStateChange_RecordsNoLatency()
    {
        var points = FeedMetricsRecorder.ToPoints(Alert(TownA, "0101", AlertChange.StateChanged, _at.AddHours(1), AlertState.Handling, AlertState.Dispatched), Categories);

        Assert.Equal(["alert_transitions"], points.Select(p => p.Measurement));
    }

    [Fact]
    public void ToPoints_CityLevelTeam_HasNoTownTag()
    {
        var team = new TeamStatusChanged(
            new NodePath("330188", null, null, null), _at, "T-01", "市应急队", TeamType.SecurityPatrol, NodeLevel.City,
            TeamStatus.Dispatched, TeamStatus.Available, _at, null, null, null, null);

        var point = Assert.Single(FeedMetricsRecorder.ToPoints(team, Categories));

        Assert.Equal("team_status", point.Measurement);
        Assert.False(point.Tags.ContainsKey("town"));
        Assert.Equal("Dispatched", point.Tags["status"]);
    }

    [Fact]
    public void ToPoints_Heartbeat_IsNotRecorded()
    {
        Assert.Empty(FeedMetricsRecorder.ToPoints(new FeedHeartbeat(new NodePath("330188", null, null, null), _at), Categories));
    }

    [Fact]
    public void ToPoints_Raised_TagsTheWholePlaceAndTheTopLevelCategory()
    {
        var point = Assert.Single(FeedMetricsRecorder.ToPoints(Alert(TownA, "0302", AlertChange.Raised, _at), Categories));

        Assert.Equal("alert_events", point.Measurement);
        Assert.Equal(TownA + "001", point.Tags["community"]);
        Assert.Equal(TownA + "001001", point.Tags["grid"]);
        Assert.Equal(("03", "0302", "Hotline", "raised"), (point.Tags["kind"], point.Tags["category"], point.Tags["source"], point.Tags["change"]));
    }

    [Theory]
    [InlineData(AlertState.Acknowledged, AlertState.Dispatched, "dispatch_latency")]
    [InlineData(AlertState.Resolved, AlertState.Closed, "close_latency")]
    [InlineData(AlertState.Reported, AlertState.Acknowledged, "ack_latency")]
    public void ToPoints_StepThatEndsAWait_RecordsItsLatencySinceTheReport(AlertState from, AlertState to, string measurement)
    {
        var points = FeedMetricsRecorder.ToPoints(Alert(TownA, "0101", AlertChange.StateChanged, _at.AddMinutes(42), to, from), Categories);

        var latency = Assert.Single(points, p => p.Measurement == measurement);
        Assert.Equal(42 * 60, latency.Fields["seconds"]);
        Assert.Equal(2, points.Count());
    }

    [Fact]
    public async Task StopAsync_Unsubscribes()
    {
        var feed = new ManualFeed();
        var host = await MetricsHost.StartAsync(_dir.Path, MetricsHost.EmbeddedSettings(), feed: feed);
        var subscribed = feed.SubscriberCount;

        await host.DisposeAsync();

        Assert.Equal(1, subscribed);
        Assert.Equal(0, feed.SubscriberCount);
    }

    private static Task<IReadOnlyList<MetricValue>> CountAsync(MetricsHost host, string measurement, string groupBy, Dictionary<string, string> where) =>
        host.Reader.QueryAsync(new MetricQuery(measurement, MetricPoint.CountField, MetricAggregate.Count, _at, _at.AddHours(1)) { GroupBy = groupBy, Where = where });

    private static AlertChanged Alert(string town, string category, AlertChange change, DateTimeOffset at, AlertState state = AlertState.Reported, AlertState? previous = null) => new(
        new NodePath("330188", town, town + "001", town + "001001"), at, change, Guid.NewGuid(), state, previous, category,
        Severity.Major, "燃气异味", AlertSource.Hotline, null, null, 1, _at, _at, false, 1);
}
