using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Hotspots;
using CommandCenter.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Infrastructure.Tests.Hotspots;

/// <summary>A node's trends from the embedded metric store: per top-level category, this period and the one before.</summary>
public sealed class HotspotTrendServiceTests : IDisposable
{
    private static readonly DateTimeOffset Now = StoreHost.Start;
    private readonly TempDirectory _dir = new("cc-trends");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TrendsAsync_Town_CountsItsRaisedAlertsPerKindAgainstThePeriodBefore()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, MetricsHost.EmbeddedSettings());
        Raised(host, "330188001", "0101", Now.AddMinutes(-30));
        Raised(host, "330188001", "0102", Now.AddMinutes(-20));
        Raised(host, "330188001", "0301", Now.AddMinutes(-10));
        Raised(host, "330188001", "0101", Now.AddMinutes(-90)); // the hour before
        Raised(host, "330188002", "0101", Now.AddMinutes(-15)); // another town
        host.Writer.Write(Point("330188001", "0101", Now.AddMinutes(-5), change: "merged")); // a repeat is not a new report
        await host.WaitUntilCaughtUpAsync();

        var trends = await Service(host).TrendsAsync("330188001", Now.AddHours(-1), Now);

        var security = trends!.Categories.Single(c => c.KindCode == "01");
        Assert.Equal((2, 1, 1.0), (security.Total, security.TotalBefore, security.Change!.Value));
        Assert.Equal(1, trends.Categories.Single(c => c.KindCode == "03").Total);
        Assert.Equal(7, trends.Categories.Count); // every top-level category, quiet ones too
        Assert.Equal(TimeSpan.FromMinutes(5), trends.Width);
        Assert.Equal(12, security.Current.Count);
    }

    [Fact]
    public async Task TrendsAsync_Grid_OnlyThatGrid()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, MetricsHost.EmbeddedSettings());
        Raised(host, "330188001", "0101", Now.AddMinutes(-30), grid: "330188001001001");
        Raised(host, "330188001", "0101", Now.AddMinutes(-30), grid: "330188001001002");
        await host.WaitUntilCaughtUpAsync();

        var trends = await Service(host).TrendsAsync("330188001001001", Now.AddHours(-1), Now);

        Assert.Equal(1, trends!.Categories.Sum(c => c.Total));
    }

    [Fact]
    public async Task TrendsAsync_MetricStoreDown_ReturnsNullInsteadOfFailing()
    {
        var service = new HotspotTrendService(new DeadReader(), DemoCity.Reference(), NullLogger<HotspotTrendService>.Instance);

        Assert.Null(await service.TrendsAsync("330188", Now.AddHours(-1), Now));
    }

    private static HotspotTrendService Service(MetricsHost host) => new(host.Reader, DemoCity.Reference(), NullLogger<HotspotTrendService>.Instance);

    private static void Raised(MetricsHost host, string town, string category, DateTimeOffset at, string? grid = null) =>
        host.Writer.Write(Point(town, category, at, grid: grid));

    private static MetricPoint Point(string town, string category, DateTimeOffset at, string change = "raised", string? grid = null) =>
        MetricPoint.Occurrence("alert_events", new Dictionary<string, string>
        {
            ["town"] = town, ["community"] = (grid ?? town + "001001")[..12], ["grid"] = grid ?? town + "001001", ["kind"] = category[..2], ["category"] = category, ["change"] = change,
        }, at);

    private sealed class DeadReader : IMetricReader
    {
        public Task<IReadOnlyList<MetricValue>> QueryAsync(MetricQuery query, CancellationToken ct = default) =>
            throw new MetricStoreException("InfluxDB at http://127.0.0.1:9 is unreachable");

        public Task<bool> PingAsync(CancellationToken ct = default) => Task.FromResult(false);
    }
}
