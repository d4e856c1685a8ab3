using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Api;

namespace CommandCenter.Web.Tests.Notifications;

/// <summary>
/// End to end on the real clock: a Critical alert posted to the API reaches the generic webhook within 5 s — rules,
/// duty roster, grouping and delivery together — signed so that the receiver can check it.
/// </summary>
public sealed class CriticalAlertNotificationTests : IAsyncLifetime
{
    private const string Secret = "webhook-secret-for-tests";
    private readonly TempDirectory _dir = new();
    private ChannelReceiver _receiver = null!;
    private CommandCenterApp _app = null!;

    public async Task InitializeAsync()
    {
        _receiver = await ChannelReceiver.StartAsync();
        _app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path), realTime: true, settings: new Dictionary<string, string?>
        {
            ["Demo:DutyRosters"] = "true",
            ["Notifications:PublicBaseUrl"] = "https://cc.example.gov.cn/",
            ["Notifications:Webhook:Url"] = _receiver.Url("hook"),
            ["Notifications:Webhook:Secret"] = Secret,
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task CriticalAlert_ReachesTheWebhookWithinFiveSeconds_WithAValidSignature()
    {
        var body = AlertRequests.Valid("e2e-critical-1", severity: "critical").With("occurredAt", DateTimeOffset.UtcNow.ToString("O"));
        var posted = Stopwatch.StartNew();
        var response = await _app.PostJsonAsync("/api/v1/alerts", body, CommandCenterApp.KeyFor("gridWorker"));
        response.EnsureSuccessStatusCode();
        var alertId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        // The seeded city's grids are silent by the real clock, so the webhook also gets those notices: find the alert's.
        bool Names(ReceivedRequest r) => r.Text.Contains(alertId, StringComparison.OrdinalIgnoreCase);
        while (!_receiver.Accepted.Any(Names) && posted.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }

        var received = Assert.Single(_receiver.Accepted, Names);
        Assert.True(posted.Elapsed < TimeSpan.FromSeconds(5), $"The webhook was reached after {posted.Elapsed}.");
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), received.Body));
        Assert.Equal(expected, received.Header("X-CommandCenter-Signature"));
        Assert.Contains("/m/ack/", received.Text, StringComparison.Ordinal);
    }
}
