using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>Two servers' dispatchers on one store: the leases in the store make each delivery go out once.</summary>
public sealed class TwoServersDeliveryTests
{
    [Fact]
    public async Task TwoDispatchersOnOneStore_NeverSendADeliveryTwice()
    {
        using var dir = new TempDirectory();
        await using var receiver = await ChannelReceiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:PublicBaseUrl"] = Outbox.PublicBaseUrl,
            ["Notifications:Sms:Url"] = receiver.Url("sms?to={phone}&d={name}"),
            ["Notifications:Delivery:BatchSize"] = "7",
        };
        await using var a = await StoreHost.StartAsync(dir.Path, settings: settings);
        await using var b = await StoreHost.StartAsync(dir.Path, settings: settings);
        var recipients = Enumerable.Range(0, 40).Select(i => new NotificationRecipient($"值班员{i:D2}", $"139000000{i:D2}", null, IsLeader: false)).ToList();
        var closed = await Outbox.CloseAsync(a.Services, a.Time.GetUtcNow(), DemoCity.TownCode(0), [(Guid.NewGuid(), DemoCity.GridCode(0, 0, 1), "告警")], recipients, (NotificationChannel.Sms, true));

        var (byA, byB) = (0, 0);
        for (var round = 0; round < 20 && receiver.Received.Count < recipients.Count; round++)
        {
            var both = await Task.WhenAll(a.Get<NotificationDispatcher>().DeliverDueAsync(), b.Get<NotificationDispatcher>().DeliverDueAsync());
            (byA, byB) = (byA + both[0], byB + both[1]);
        }

        Assert.Equal(recipients.Count, closed.Deliveries.Count);
        Assert.Equal(recipients.Select(r => $"?to={r.Phone}&d={Uri.EscapeDataString(r.Name)}").Order(), receiver.Received.Select(r => r.Query).Order());
        Assert.Equal(recipients.Count, byA + byB);
        await using var db = a.NewDbContext();
        Assert.Equal(recipients.Count, await db.NotificationAttempts.CountAsync(t => t.Succeeded));
        Assert.Equal(recipients.Count, await db.NotificationAttempts.CountAsync());
        Assert.All(await db.NotificationDeliveries.AsNoTracking().ToListAsync(), d => Assert.Equal((DeliveryState.Delivered, 1), (d.State, d.Attempts)));
    }

    [Fact]
    public async Task ADeliveryLeasedByAServerThatDied_IsSentByAnotherOnlyOnceTheLeaseRunsOut()
    {
        using var dir = new TempDirectory();
        await using var receiver = await ChannelReceiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:PublicBaseUrl"] = Outbox.PublicBaseUrl,
            ["Notifications:Webhook:Url"] = receiver.Url("hook"),
            ["Notifications:Delivery:LeaseDuration"] = "00:02:00",
        };
        await using var host = await StoreHost.StartAsync(dir.Path, settings: settings);
        var closed = await Outbox.CloseAsync(host.Services, host.Time.GetUtcNow(), DemoCity.TownCode(0), [(Guid.NewGuid(), DemoCity.GridCode(0, 0, 1), "告警")], [Outbox.Zhang], (NotificationChannel.Webhook, false));
        await using (var db = host.NewDbContext())
        {
            // Another server leased it and died before recording anything.
            await db.NotificationDeliveries.Where(d => d.Id == closed.Deliveries[0].Id)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.LeasedUntil, host.Time.GetUtcNow() + TimeSpan.FromMinutes(2)).SetProperty(d => d.Version, 1L));
        }

        var whileLeased = await host.Get<NotificationDispatcher>().DeliverDueAsync();
        host.Time.Advance(TimeSpan.FromMinutes(2));
        var afterwards = await host.Get<NotificationDispatcher>().DeliverDueAsync();

        Assert.Equal((0, 1), (whileLeased, afterwards));
        Assert.Single(receiver.Received);
    }
}
