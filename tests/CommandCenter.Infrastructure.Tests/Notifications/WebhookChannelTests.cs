using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>The generic webhook against a real local receiver: what it posts, and how a receiver can trust it.</summary>
public sealed class WebhookChannelTests
{
    private const string Secret = "s3cret-of-the-receiver";

    [Fact]
    public async Task Delivery_ReachesTheReceiver_SignedOverTheExactBody()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:Webhook:Url"] = r.Url("hook"), ["Notifications:Webhook:Secret"] = Secret });
        var alert = await fixture.RaiseAsync();
        var closed = await fixture.CloseAsync(alert, (NotificationChannel.Webhook, false));

        await fixture.Dispatcher.DeliverDueAsync();

        var request = Assert.Single(fixture.Receiver.Received);
        Assert.Equal(("POST", "/hook"), (request.Method, request.Path));
        Assert.Equal(closed.Deliveries[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), request.Header("X-CommandCenter-Delivery"));
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), request.Body));
        Assert.Equal(expected, request.Header("X-CommandCenter-Signature"));
        Assert.Equal(DeliveryState.Delivered, (await fixture.DeliveryAsync(closed.Deliveries[0].Id)).State);
    }

    [Fact]
    public async Task Body_CarriesTheEventsAlertsRecipientsAndTheirLinks()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:Webhook:Url"] = r.Url("hook") });
        var alert = await fixture.RaiseAsync();
        var closed = await fixture.CloseAsync(alert, (NotificationChannel.Webhook, false));

        await fixture.Dispatcher.DeliverDueAsync();

        using var body = JsonDocument.Parse(Assert.Single(fixture.Receiver.Received).Body);
        var root = body.RootElement;
        Assert.Equal(closed.Deliveries[0].Id, root.GetProperty("deliveryId").GetInt64());
        Assert.Equal(("330188001", "湖滨街道"), (root.GetProperty("node").GetProperty("code").GetString(), root.GetProperty("node").GetProperty("name").GetString()));
        var e = Assert.Single(root.GetProperty("events").EnumerateArray());
        Assert.Equal(("alertRaised", alert.ToString()), (e.GetProperty("event").GetString(), e.GetProperty("alertId").GetString()));
        var a = Assert.Single(root.GetProperty("alerts").EnumerateArray());
        Assert.Equal(alert.ToString(), a.GetProperty("id").GetString());
        Assert.Equal("电动车被盗", a.GetProperty("title").GetString());
        Assert.Equal("critical", a.GetProperty("severity").GetString());
        Assert.Equal("reported", a.GetProperty("state").GetString());
        Assert.Equal("0101", a.GetProperty("category").GetProperty("code").GetString());
        Assert.Equal(DeliveryFixture.GridCode, a.GetProperty("grid").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(a.GetProperty("grid").GetProperty("name").GetString()));
        Assert.Equal(("330188001", "湖滨街道"), (a.GetProperty("town").GetProperty("code").GetString(), a.GetProperty("town").GetProperty("name").GetString()));
        Assert.Equal(StoreHost.Start, a.GetProperty("reportedAt").GetDateTimeOffset());
        var recipients = root.GetProperty("recipients").EnumerateArray().ToList();
        Assert.Equal(["张伟", "李娜"], recipients.Select(r => r.GetProperty("name").GetString()));
        var link = Assert.Single(recipients[0].GetProperty("ackLinks").EnumerateArray());
        Assert.Equal(alert.ToString(), link.GetProperty("alertId").GetString());
        Assert.Equal(closed.Addressees[0].AckLinks[alert].ToString(), link.GetProperty("url").GetString());
        Assert.StartsWith(Outbox.PublicBaseUrl + "m/ack/", link.GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutASecret_NoSignatureHeader_ButTheDeliveryId()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:Webhook:Url"] = r.Url("hook") });
        var closed = await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.Webhook, false));

        await fixture.Dispatcher.DeliverDueAsync();

        var request = Assert.Single(fixture.Receiver.Received);
        Assert.Null(request.Header("X-CommandCenter-Signature"));
        Assert.Equal(closed.Deliveries[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), request.Header("X-CommandCenter-Delivery"));
    }

    [Fact]
    public void Sign_MatchesTheKnownHmacSha256Vector()
    {
        // The well-known HMAC-SHA256 test vector, so a receiver's implementation can be checked against the same one.
        Assert.Equal(
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
            WebhookChannel.Sign("The quick brown fox jumps over the lazy dog"u8, "key"));
    }
}
