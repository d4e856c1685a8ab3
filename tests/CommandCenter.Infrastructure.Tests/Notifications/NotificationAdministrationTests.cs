using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>What the deliveries page reads: newest first, filtered by state, channel, recipient and an administrator's nodes.</summary>
public sealed class NotificationAdministrationTests
{
    [Fact]
    public async Task ReadAsync_FiltersByStateChannelRecipientAndNodes()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new()
        {
            ["Notifications:Sms:Url"] = r.Url("sms?to={phone}"),
            ["Notifications:WeCom:Url"] = r.Url("wecom"),
        });
        var alert = await fixture.RaiseAsync();
        var hubin = await fixture.CloseAsync(alert, (NotificationChannel.Sms, true), (NotificationChannel.WeCom, false));
        var elsewhere = await Outbox.CloseAsync(fixture.Host.Services, fixture.Host.Time.GetUtcNow(), DemoCity.TownCode(1), [(Guid.NewGuid(), DemoCity.GridCode(1, 0, 1), "别处")], [Outbox.Zhang], (NotificationChannel.WeCom, false));
        fixture.Receiver.Refuse = r => r.Path == "/wecom";
        await fixture.RunAsync(rounds: 1);
        var deliveries = fixture.Host.Get<NotificationAdministration>();

        var all = await deliveries.ReadAsync(new DeliveryQuery(null, null, null, 1, 50));
        var pending = await deliveries.ReadAsync(new DeliveryQuery(DeliveryState.Pending, null, null, 1, 50));
        var sms = await deliveries.ReadAsync(new DeliveryQuery(null, NotificationChannel.Sms, null, 1, 50));
        var li = await deliveries.ReadAsync(new DeliveryQuery(null, null, "13800000002", 1, 50));
        var hubinOnly = await deliveries.ReadAsync(new DeliveryQuery(null, null, null, 1, 50, [DeliveryFixture.Hubin]));
        var firstPage = await deliveries.ReadAsync(new DeliveryQuery(null, null, null, 1, 2));

        Assert.Equal(4, all.Total);
        Assert.Equal(elsewhere.Deliveries[0].Id, all.Rows[0].Id); // newest notification first
        Assert.Equal(hubin.Deliveries.Where(d => d.Channel == NotificationChannel.WeCom).Select(d => d.Id).Append(elsewhere.Deliveries[0].Id).Order(), pending.Rows.Select(r => r.Id).Order());
        Assert.All(pending.Rows, r => Assert.Equal("HTTP 500: receiver down", r.LastError));
        Assert.Equal(["李娜", "张伟"], sms.Rows.Select(r => r.RecipientName));
        Assert.All(sms.Rows, r => Assert.True(Assert.Single(r.History).Succeeded));
        Assert.Equal("李娜", Assert.Single(li.Rows).RecipientName);
        Assert.Equal(3, hubinOnly.Total);
        Assert.All(hubinOnly.Rows, r => Assert.Equal((DeliveryFixture.Hubin, "【特急】湖滨街道 · 电动车被盗"), (r.NodeCode, r.Summary)));
        Assert.Equal((4, 2, 2), (firstPage.Total, firstPage.Rows.Count, firstPage.Pages));
    }
}
