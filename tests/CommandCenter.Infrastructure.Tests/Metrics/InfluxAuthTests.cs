using CommandCenter.Core.Metrics;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>InfluxDB 1.x with authentication on: user and password from the settings, sent as HTTP Basic.</summary>
[Trait(TestCategory.Name, TestCategory.InfluxDB)]
public sealed class InfluxAuthTests : IAsyncLifetime
{
    private const string User = "grid_admin";
    private const string Password = "pa ss:word'1";

    private readonly TempDirectory _dir = new("cc-metrics");
    private readonly string _database = InfluxServerFixture.NewDatabase();
    private InfluxServer? _server;

    private InfluxServer Server => _server!;

    public async Task InitializeAsync()
    {
        _server = await InfluxServer.StartNewAsync(authEnabled: true);

        // With no user yet, 1.x accepts exactly this statement without credentials.
        using var created = await Server.QueryAsync($"CREATE USER \"{User}\" WITH PASSWORD 'pa ss:word\\'1' WITH ALL PRIVILEGES");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task Write_WithUserAndPassword_CreatesTheDatabaseAndPointsArrive()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings(Password));
        var producer = new SequenceProducer("auth");

        producer.Write(host.Writer, 50);
        await host.WaitUntilCaughtUpAsync();
        var values = await host.Reader.QueryAsync(new MetricQuery(SequenceProducer.Measurement, "seq", MetricAggregate.Count, StoreHost.Start, StoreHost.Start.AddHours(1)));

        Assert.Equal([new MetricValue(StoreHost.Start, null, 50)], values);
    }

    [Fact]
    public async Task Write_WithAWrongPassword_KeepsThePointsAndSaysWhy()
    {
        await using var host = await MetricsHost.StartAsync(_dir.Path, Settings("wrong"));

        new SequenceProducer("auth").Write(host.Writer, 5);
        await SequenceProducer.WaitForAsync(() => host.Writer.Lag.LastError is not null, "the refusal is reported");

        Assert.Equal(5, host.Writer.Lag.PendingPoints);
        Assert.Contains("authorization failed", host.Writer.Lag.LastError, StringComparison.Ordinal);
        await Assert.ThrowsAsync<MetricStoreException>(() =>
            host.Reader.QueryAsync(new MetricQuery(SequenceProducer.Measurement, "seq", MetricAggregate.Count, StoreHost.Start, StoreHost.Start.AddHours(1))));
    }

    private Dictionary<string, string?> Settings(string password)
    {
        var settings = MetricsHost.InfluxSettings(Server, _database);
        settings["Metrics:InfluxDB:Username"] = User;
        settings["Metrics:InfluxDB:Password"] = password;
        return settings;
    }
}
