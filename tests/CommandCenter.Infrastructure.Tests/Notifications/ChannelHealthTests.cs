using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>A channel counts as failing while its last attempts all failed, and no longer after one success.</summary>
public sealed class ChannelHealthTests
{
    [Fact]
    public async Task ChannelFailing_IsReportedUntilItsNextSuccess()
    {
        await using var fixture = await DeliveryFixture.StartAsync(
            r => new() { ["Notifications:WeCom:Url"] = r.Url("send") },
            new() { ["Notifications:Delivery:FailingAfter"] = "2" });
        var health = fixture.Host.Get<NotificationChannelHealth>();
        await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.WeCom, false));
        fixture.Receiver.FailAlways();

        await fixture.RunAsync(rounds: 1);
        var afterOne = await health.FailingAsync();
        await fixture.RunAsync(rounds: 1);
        var afterTwo = await health.FailingAsync();
        fixture.Receiver.Recover();
        await fixture.RunAsync(rounds: 1);
        var recovered = await health.FailingAsync();

        Assert.Equal([NotificationChannel.WeCom], health.Configured);
        Assert.Empty(afterOne);
        Assert.Equal([(NotificationChannel.WeCom, (string?)"HTTP 500: receiver down")], afterTwo);
        Assert.Empty(recovered);
    }
}
