using System.Text.Json;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>SMS through a gateway template against a local receiver: one request per recipient with a phone, placeholders filled and escaped.</summary>
public sealed class SmsChannelTests
{
    [Fact]
    public async Task Template_ExpandsPerRecipient_InTheUrlHeadersAndBody()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new()
        {
            ["Notifications:Sms:Url"] = r.Url("sms/send?to={phone}"),
            ["Notifications:Sms:Method"] = "POST",
            ["Notifications:Sms:Headers:X-Recipient"] = "{phone}",
            ["Notifications:Sms:Body"] = """{"mobile":"{phone}","sign":"{node}","content":"{name}：{text} 确认：{link}"}""",
        });
        var alert = await fixture.RaiseAsync();
        var closed = await fixture.CloseAsync(alert, (NotificationChannel.Sms, true));

        await fixture.Dispatcher.DeliverDueAsync();

        Assert.Equal(2, closed.Deliveries.Count);
        var received = fixture.Receiver.Received.OrderBy(r => r.Query, StringComparer.Ordinal).ToList();
        Assert.Equal(["?to=13800000001", "?to=13800000002"], received.Select(r => r.Query));
        Assert.Equal(["13800000001", "13800000002"], received.Select(r => r.Header("X-Recipient")));
        using var zhang = JsonDocument.Parse(received[0].Body);
        Assert.Equal("13800000001", zhang.RootElement.GetProperty("mobile").GetString());
        Assert.Equal("湖滨街道", zhang.RootElement.GetProperty("sign").GetString());
        var text = $"【网格指挥中心】湖滨街道 1 条告警\n{NotificationContent.Line(closed.Items[0])}";
        Assert.Equal($"张伟：{text} 确认：{closed.Addressees[0].AckLinks[alert]}", zhang.RootElement.GetProperty("content").GetString());
        using var li = JsonDocument.Parse(received[1].Body);
        Assert.Equal($"李娜：{text} 确认：{closed.Addressees[1].AckLinks[alert]}", li.RootElement.GetProperty("content").GetString());
        foreach (var delivery in closed.Deliveries)
        {
            Assert.Equal(DeliveryState.Delivered, (await fixture.DeliveryAsync(delivery.Id)).State);
        }
    }

    [Fact]
    public async Task StormSummary_TextStopsAtMaxTextLength_AndTheLinksAreThoseOfTheAlertsListed()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new()
        {
            ["Notifications:Sms:Url"] = r.Url("sms?to={phone}"),
            ["Notifications:Sms:Body"] = """{"text":"{text}","link":"{link}"}""",
            ["Notifications:Sms:MaxTextLength"] = "120",
        });
        var closed = await fixture.CloseStormAsync(12, (NotificationChannel.Sms, true));

        await fixture.Dispatcher.DeliverDueAsync();

        var zhang = fixture.Receiver.Received.Single(r => r.Query == "?to=13800000001");
        using var body = JsonDocument.Parse(zhang.Body);
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.InRange(text.Length, 80, 120);
        var lines = text.Split('\n');
        var listed = lines.Length - 2; // between the title and the count of the rest
        Assert.Equal(
            ["【网格指挥中心】湖滨街道 12 条告警", .. closed.Items.Take(listed).Select(NotificationContent.Line)],
            lines[..^1]);
        Assert.InRange(listed, 1, 11);
        Assert.Equal($"……另有 {12 - listed} 条，详见指挥中心", lines[^1]);
        Assert.Equal(
            string.Join(" ", closed.Items.Take(listed).Select(i => closed.Addressees[0].AckLinks[i.AlertId!.Value])),
            body.RootElement.GetProperty("link").GetString());
    }

    [Fact]
    public async Task TemplateFillingAHeaderWithChinese_IsAFailedAttemptSaidOnTheDelivery()
    {
        // HTTP headers carry ASCII only: a gateway template that puts a name into a header cannot be sent.
        await using var fixture = await DeliveryFixture.StartAsync(r => new()
        {
            ["Notifications:Sms:Url"] = r.Url("sms?to={phone}"),
            ["Notifications:Sms:Headers:X-Name"] = "{name}",
        });
        var closed = await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.Sms, true));

        await fixture.Dispatcher.DeliverDueAsync();

        var delivery = await fixture.DeliveryAsync(closed.Deliveries[0].Id);
        Assert.Equal((DeliveryState.Pending, 1), (delivery.State, delivery.Attempts));
        Assert.Contains("ASCII", delivery.LastError, StringComparison.Ordinal);
        Assert.Empty(fixture.Receiver.Received);
    }

    [Fact]
    public async Task RecipientWithoutAPhone_GetsNoSmsDelivery()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:Sms:Url"] = r.Url("sms?to={phone}") });
        var alert = await fixture.RaiseAsync();
        var noPhone = new NotificationRecipient("王芳", null, "wangfang", IsLeader: false);

        var closed = await Outbox.CloseAsync(fixture.Host.Services, fixture.Host.Time.GetUtcNow(), DeliveryFixture.Hubin,
            [(alert, DeliveryFixture.GridCode, "告警")], [Outbox.Zhang, noPhone], (NotificationChannel.Sms, true));
        await fixture.Dispatcher.DeliverDueAsync();

        Assert.Equal("张伟", Assert.Single(closed.Deliveries).RecipientName);
        Assert.Equal("?to=13800000001", Assert.Single(fixture.Receiver.Received).Query);
    }
}
