using System.Net;
using System.Text.Json;
using CommandCenter.Core.Metrics;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// The app with its metric store configured as InfluxDB on a loopback port where nothing listens: /readyz says why
/// it is degraded and stays ready, and the wall still loads, its trend counted from the alerts table.
/// </summary>
public sealed class ReadinessTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CommandCenterApp _app;

    public ReadinessTests() => _app = new CommandCenterApp(_dir.Path, settings: new Dictionary<string, string?>
    {
        ["Metrics:Store"] = "InfluxDB",
        ["Metrics:InfluxDB:Url"] = $"http://127.0.0.1:{LoopbackPorts.Free()}",
        ["Metrics:InfluxDB:Timeout"] = "00:00:02",
    });

    [Fact]
    public async Task Readyz_MetricStoreDownWithPointsWaiting_IsReadyAndNamesEachChecksStatusAndLag()
    {
        var writer = _app.Services.GetRequiredService<IMetricWriter>();
        for (var i = 0; i < 3; i++)
        {
            writer.Write(MetricPoint.Occurrence("alert_events", new Dictionary<string, string> { ["change"] = "raised" }, _app.Time.GetUtcNow()));
        }

        var response = await _app.Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        var store = root.GetProperty("checks").GetProperty("store");
        var metrics = root.GetProperty("checks").GetProperty("metrics");
        Assert.Equal("Degraded", root.GetProperty("status").GetString());
        Assert.Equal(("Healthy", "Store reachable."), (store.GetProperty("status").GetString(), store.GetProperty("description").GetString()));
        Assert.Equal("Degraded", metrics.GetProperty("status").GetString());
        // The three written here, plus whatever the minute's snapshot job has written since start-up.
        var pending = metrics.GetProperty("data").GetProperty("pendingPoints").GetInt64();
        Assert.True(pending >= 3, $"pending {pending}");
        Assert.Equal($"Metric store unreachable; metrics lagging by {pending} points.", metrics.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Healthz_MetricStoreDown_StaysThePlainWord()
    {
        var response = await _app.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wall_MetricStoreDown_StillLoadsWithTheTrendFromTheAlertsTable()
    {
        var report = await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("readiness-1", severity: "serious"));
        Assert.Equal(HttpStatusCode.Created, report.StatusCode);
        _app.Time.Advance(TimeSpan.FromMinutes(30)); // long settled: the metric store would answer for it, were it up
        var duty = await _app.CityReaderAsync();

        var page = await duty.GetStringAsync("/wall");

        Assert.Contains("data-testid=\"trend\"", page, StringComparison.Ordinal);
        Assert.Matches("class=\"bar sev-serious\"[^>]*><title>1</title>", page);
    }

    public void Dispose()
    {
        _app.Dispose();
        _dir.Dispose();
    }
}
