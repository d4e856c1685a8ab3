using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>The WeCom and DingTalk group robots against a local receiver: their documented message shapes, signing and refusals.</summary>
public sealed class RobotChannelTests
{
    private const string DingSecret = "SEC0123456789abcdef";

    [Fact]
    public async Task WeCom_PostsATextMessage_MentioningTheRecipientsByPhone()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:WeCom:Url"] = r.Url("cgi-bin/webhook/send?key=abc") });
        var alert = await fixture.RaiseAsync();
        var closed = await fixture.CloseAsync(alert, (NotificationChannel.WeCom, false));

        await fixture.Dispatcher.DeliverDueAsync();

        var request = Assert.Single(fixture.Receiver.Received);
        Assert.Equal(("/cgi-bin/webhook/send", "?key=abc"), (request.Path, request.Query));
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal(["msgtype", "text"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("text", root.GetProperty("msgtype").GetString());
        var text = root.GetProperty("text");
        Assert.Equal(["content", "mentioned_mobile_list"], text.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["13800000001", "13800000002"], text.GetProperty("mentioned_mobile_list").EnumerateArray().Select(p => p.GetString()));
        var content = text.GetProperty("content").GetString()!;
        Assert.Equal(
            $"【网格指挥中心】湖滨街道 1 条告警\n{NotificationContent.Line(closed.Items[0])}\n"
                + $"张伟 确认 {closed.Addressees[0].AckLinks[alert]}\n李娜 确认 {closed.Addressees[1].AckLinks[alert]}",
            content);
        Assert.EndsWith(" 【特急】湖滨街道 · 电动车被盗", NotificationContent.Line(closed.Items[0]), StringComparison.Ordinal);
        Assert.Equal(DeliveryState.Delivered, (await fixture.DeliveryAsync(closed.Deliveries[0].Id)).State);
    }

    [Fact]
    public async Task WeCom_StormSummary_StaysWithinTheRobotsLimit_ListingWholeItemsAndCountingTheRest()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:WeCom:Url"] = r.Url("send") });
        var closed = await fixture.CloseStormAsync(40, (NotificationChannel.WeCom, false));

        await fixture.Dispatcher.DeliverDueAsync();

        using var body = JsonDocument.Parse(Assert.Single(fixture.Receiver.Received).Body);
        var content = body.RootElement.GetProperty("text").GetProperty("content").GetString()!;
        Assert.InRange(Encoding.UTF8.GetByteCount(content), WeComChannel.MaxContentBytes / 2, WeComChannel.MaxContentBytes);
        var listed = closed.Items.Where(i => content.Contains(NotificationContent.Line(i) + "\n", StringComparison.Ordinal)).ToList();
        Assert.Equal(closed.Items.Take(listed.Count), listed); // the first ones, in order, none skipped
        Assert.InRange(listed.Count, 1, 39);
        Assert.Equal(
            string.Join('\n', [
                "【网格指挥中心】湖滨街道 40 条告警",
                .. listed.Select(i => $"{NotificationContent.Line(i)}\n张伟 确认 {closed.Addressees[0].AckLinks[i.AlertId!.Value]}\n李娜 确认 {closed.Addressees[1].AckLinks[i.AlertId!.Value]}"),
                $"……另有 {40 - listed.Count} 条，详见指挥中心"]),
            content);
        Assert.Equal(DeliveryState.Delivered, (await fixture.DeliveryAsync(closed.Deliveries[0].Id)).State);
    }

    [Fact]
    public async Task WeCom_NonZeroErrcode_IsAFailedAttempt()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:WeCom:Url"] = r.Url("send") });
        fixture.Receiver.Answer = (200, """{"errcode":93000,"errmsg":"invalid webhook url"}""");
        var closed = await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.WeCom, false));

        await fixture.Dispatcher.DeliverDueAsync();

        var delivery = await fixture.DeliveryAsync(closed.Deliveries[0].Id);
        Assert.Equal((DeliveryState.Pending, 1), (delivery.State, delivery.Attempts));
        Assert.Equal("errcode 93000: invalid webhook url", delivery.LastError);
        var attempt = Assert.Single(await fixture.AttemptsAsync(delivery.Id));
        Assert.Equal((false, 200), (attempt.Succeeded, attempt.StatusCode));
    }

    [Fact]
    public async Task DingTalk_PostsMarkdownWithAtMobiles_SignedAsDingTalkDocumentsIt()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new()
        {
            ["Notifications:DingTalk:Url"] = r.Url("robot/send?access_token=tok"),
            ["Notifications:DingTalk:Secret"] = DingSecret,
        });
        var alert = await fixture.RaiseAsync();
        var closed = await fixture.CloseAsync(alert, (NotificationChannel.DingTalk, false));

        await fixture.Dispatcher.DeliverDueAsync();

        var request = Assert.Single(fixture.Receiver.Received);
        Assert.Equal("/robot/send", request.Path);
        var query = System.Web.HttpUtility.ParseQueryString(request.Query);
        Assert.Equal("tok", query["access_token"]);
        var timestamp = query["timestamp"]!;
        Assert.Equal(StoreHost.Start.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp);

        // As DingTalk checks it: HmacSHA256 of "timestamp\nsecret" keyed with the secret, Base64; the query string
        // carries it URL-encoded (ParseQueryString decoded it).
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(DingSecret), Encoding.UTF8.GetBytes(timestamp + "\n" + DingSecret)));
        Assert.Equal(expected, query["sign"]);
        Assert.Contains("&sign=" + Uri.EscapeDataString(expected), request.Query, StringComparison.Ordinal);

        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal(["msgtype", "markdown", "at"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("markdown", root.GetProperty("msgtype").GetString());
        var markdown = root.GetProperty("markdown");
        Assert.Equal("【特急】湖滨街道 · 电动车被盗", markdown.GetProperty("title").GetString());
        var text = markdown.GetProperty("text").GetString()!;
        Assert.Contains(
            $"{NotificationContent.Line(closed.Items[0])}\n\n@13800000001 [确认]({closed.Addressees[0].AckLinks[alert]})\n\n@13800000002 [确认]({closed.Addressees[1].AckLinks[alert]})",
            text, StringComparison.Ordinal);
        Assert.Equal(["13800000001", "13800000002"], root.GetProperty("at").GetProperty("atMobiles").EnumerateArray().Select(p => p.GetString()));
        Assert.False(root.GetProperty("at").GetProperty("isAtAll").GetBoolean());
    }

    [Fact]
    public async Task DingTalk_StormSummary_IsCutByWholeItemsAtItsLimit()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:DingTalk:Url"] = r.Url("robot/send?access_token=tok") });
        var closed = await fixture.CloseStormAsync(50, (NotificationChannel.DingTalk, false));

        await fixture.Dispatcher.DeliverDueAsync();

        using var body = JsonDocument.Parse(Assert.Single(fixture.Receiver.Received).Body);
        var text = body.RootElement.GetProperty("markdown").GetProperty("text").GetString()!;
        var bytes = Encoding.UTF8.GetByteCount(text);
        Assert.InRange(bytes, 1, DingTalkChannel.MaxTextBytes);
        var listed = closed.Items.Count(i => text.Contains(NotificationContent.Line(i) + "\n\n", StringComparison.Ordinal));
        Assert.InRange(listed, 1, 49);
        Assert.Equal(closed.Items.Take(listed), closed.Items.Where(i => text.Contains(NotificationContent.Line(i) + "\n\n", StringComparison.Ordinal)));
        Assert.EndsWith($"\n\n……另有 {50 - listed} 条，详见指挥中心", text, StringComparison.Ordinal);

        // The cut is as late as the limit allows: the next item, posted as the others are, would not have fitted.
        var next = closed.Items[listed];
        var nextBlock = $"\n\n{NotificationContent.Line(next)}\n\n@13800000001 [确认]({closed.Addressees[0].AckLinks[next.AlertId!.Value]})"
            + $"\n\n@13800000002 [确认]({closed.Addressees[1].AckLinks[next.AlertId!.Value]})";
        Assert.True(bytes + Encoding.UTF8.GetByteCount(nextBlock) > DingTalkChannel.MaxTextBytes, $"{bytes} bytes posted; the next item would have fitted");
    }

    [Fact]
    public async Task DingTalk_WithoutASecret_PostsToTheUrlAsGiven()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:DingTalk:Url"] = r.Url("robot/send?access_token=tok") });
        await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.DingTalk, false));

        await fixture.Dispatcher.DeliverDueAsync();

        Assert.Equal("?access_token=tok", Assert.Single(fixture.Receiver.Received).Query);
    }

    [Fact]
    public async Task DingTalk_NonZeroErrcode_IsAFailedAttempt()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:DingTalk:Url"] = r.Url("robot/send?access_token=tok") });
        fixture.Receiver.Answer = (200, """{"errcode":310000,"errmsg":"sign not match"}""");
        var closed = await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.DingTalk, false));

        await fixture.Dispatcher.DeliverDueAsync();

        Assert.Equal("errcode 310000: sign not match", (await fixture.DeliveryAsync(closed.Deliveries[0].Id)).LastError);
    }
}
