using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Metrics.Embedded;
using CommandCenter.Infrastructure.Metrics.InfluxDB;
using CommandCenter.Testing;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary><c>Metrics:Store</c> picks the adapter; bad settings stop start-up with the setting's name.</summary>
public sealed class MetricsOptionsTests : IDisposable
{
    private readonly TempDirectory _dir = new("cc-metrics");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task NoMetricsSettings_UsesTheEmbeddedStoreInTheDataDirectory()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, new Dictionary<string, string?>());

        Assert.IsType<EmbeddedMetricStore>(host.Reader);
        Assert.Equal([typeof(MetricWriterService), typeof(FeedMetricsRecorder)], host.ServiceTypes);
        Assert.True(await host.Reader.PingAsync());
        Assert.True(File.Exists(Path.Combine(_dir.Path, "metrics.db")));
    }

    [Fact]
    public async Task StoreInfluxDB_UsesTheInfluxAdapterAndItsDeliveryLoop()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, new Dictionary<string, string?>
        {
            ["Metrics:Store"] = "influxdb", // as an operator might type it
            ["Metrics:InfluxDB:Url"] = "http://127.0.0.1:8086",
        }, start: false);

        Assert.IsType<InfluxMetricReader>(host.Reader);
        Assert.Equal([typeof(MetricWriterService), typeof(InfluxDeliveryService), typeof(FeedMetricsRecorder)], host.ServiceTypes);
    }

    [Theory]
    [InlineData("Metrics:Store", "Redis", "Metrics:Store")]
    [InlineData("Metrics:InfluxDB:Url", "", "Metrics:InfluxDB:Url")]
    [InlineData("Metrics:InfluxDB:Url", "localhost:8086", "Metrics:InfluxDB:Url")]
    [InlineData("Metrics:InfluxDB:Url", "ftp://influx:8086", "Metrics:InfluxDB:Url")]
    [InlineData("Metrics:InfluxDB:Url", "http://influx:8086/?db=x", "Metrics:InfluxDB:Url")]
    [InlineData("Metrics:InfluxDB:Database", " ", "Metrics:InfluxDB:Database")]
    [InlineData("Metrics:InfluxDB:Username", "admin", "Metrics:InfluxDB:Password")]
    [InlineData("Metrics:BatchSize", "0", "Metrics:BatchSize")]
    [InlineData("Metrics:FlushInterval", "00:00:00", "Metrics:FlushInterval")]
    public async Task BadSetting_IsRefusedNamingTheSetting(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Metrics:Store"] = "InfluxDB",
            ["Metrics:InfluxDB:Url"] = "http://127.0.0.1:8086",
            [key] = value,
        };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => MetricsHost.StartAsync(_dir.Path, settings, start: false));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenAndUsername_AreRefusedTogether()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Metrics:Store"] = "InfluxDB",
            ["Metrics:InfluxDB:Url"] = "http://127.0.0.1:8086",
            ["Metrics:InfluxDB:Token"] = "t",
            ["Metrics:InfluxDB:Username"] = "u",
            ["Metrics:InfluxDB:Password"] = "p",
        };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => MetricsHost.StartAsync(_dir.Path, settings, start: false));

        Assert.Contains("Metrics:InfluxDB:Token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configure_Token_SendsTokenAuthorization()
    {
        using var http = new HttpClient();

        InfluxHttp.Configure(http, new InfluxDbOptions { Url = "http://influx:8086/proxy", Token = "secret-token" });

        Assert.Equal("Token secret-token", http.DefaultRequestHeaders.Authorization?.ToString());
        Assert.Equal(new Uri("http://influx:8086/proxy/"), http.BaseAddress);
    }

    [Fact]
    public void Configure_UsernameAndPassword_SendsBasicAuthorization()
    {
        using var http = new HttpClient();

        InfluxHttp.Configure(http, new InfluxDbOptions { Url = "http://influx:8086", Username = "grid", Password = "p:ss" });

        Assert.Equal("Basic", http.DefaultRequestHeaders.Authorization?.Scheme);
        Assert.Equal("grid:p:ss", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(http.DefaultRequestHeaders.Authorization!.Parameter!)));
    }

    [Fact]
    public void Configure_NoCredentials_SendsNoAuthorization()
    {
        using var http = new HttpClient();

        InfluxHttp.Configure(http, new InfluxDbOptions { Url = "http://influx:8086" });

        Assert.Null(http.DefaultRequestHeaders.Authorization);
    }

    [Fact]
    public void MetricLag_Describe_SaysHowManyPointsLag()
    {
        Assert.Equal("metrics lagging by 12 points", new MetricLag(12, 0, null, null).Describe());
        Assert.Equal("metrics up to date", new MetricLag(0, 0, null, null).Describe());
    }
}
