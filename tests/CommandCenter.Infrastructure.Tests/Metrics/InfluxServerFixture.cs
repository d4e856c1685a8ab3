using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>One real influxd for a test class; each test uses its own database on it.</summary>
public sealed class InfluxServerFixture : IAsyncLifetime
{
    private InfluxServer? _server;

    public InfluxServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>A database name no other test uses.</summary>
    public static string NewDatabase() => $"test_{Guid.NewGuid():N}";

    public async Task InitializeAsync() => _server = await InfluxServer.StartNewAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
