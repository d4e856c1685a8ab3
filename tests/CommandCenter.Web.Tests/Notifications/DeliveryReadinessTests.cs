using System.Net;
using System.Text.Json;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Notifications;

/// <summary>/readyz while a channel's receiver keeps failing, and after it recovers.</summary>
public sealed class DeliveryReadinessTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private ChannelReceiver _receiver = null!;
    private CommandCenterApp _app = null!;

    public async Task InitializeAsync()
    {
        _receiver = await ChannelReceiver.StartAsync();
        _app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path), settings: new Dictionary<string, string?>
        {
            ["Notifications:PublicBaseUrl"] = Outbox.PublicBaseUrl,
            ["Notifications:DingTalk:Url"] = _receiver.Url("robot/send?access_token=t"),
            ["Notifications:Delivery:FailingAfter"] = "3",
            ["Notifications:Delivery:FirstRetryDelay"] = "00:00:02",
            ["Notifications:Delivery:MaxRetryDelay"] = "00:00:10",
            ["Notifications:Delivery:PollInterval"] = "01:00:00", // the test looks for due deliveries itself
        });
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _receiver.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task ChannelKeepsFailing_ReadyzIsDegraded_AndHealthyOnceItRecovers()
    {
        await Outbox.CloseAsync(_app.Services, _app.Time.GetUtcNow(), DemoCity.TownCode(0), [(Guid.NewGuid(), DemoCity.GridCode(0, 0, 1), "告警")], [Outbox.Zhang], (NotificationChannel.DingTalk, false));
        _receiver.FailAlways();
        var before = await NotificationsCheckAsync();

        await DeliverAsync(times: 3);
        var failing = await NotificationsCheckAsync();
        _receiver.Recover();
        await DeliverAsync(times: 1);
        var recovered = await NotificationsCheckAsync();

        Assert.Equal("Healthy", before.Status);
        Assert.Equal((HttpStatusCode.OK, "Degraded"), (failing.Code, failing.Status));
        Assert.Equal("Notification channels failing: DingTalk (HTTP 500: receiver down).", failing.Description);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (recovered.Code, recovered.Status));
        Assert.Equal(4, _receiver.Received.Count);
    }

    private async Task DeliverAsync(int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Equal(1, await _app.Services.GetRequiredService<NotificationDispatcher>().DeliverDueAsync());
            _app.Time.Advance(TimeSpan.FromSeconds(10));
        }
    }

    private async Task<(HttpStatusCode Code, string Status, string Description)> NotificationsCheckAsync()
    {
        using var response = await _app.Http.GetAsync("/readyz");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var check = body.RootElement.GetProperty("checks").GetProperty("notifications");
        return (response.StatusCode, check.GetProperty("status").GetString()!, check.GetProperty("description").GetString()!);
    }
}
