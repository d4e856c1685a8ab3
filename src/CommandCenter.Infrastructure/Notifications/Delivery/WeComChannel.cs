using System.Text.Json.Nodes;
using CommandCenter.Core.Notifications;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// A WeCom (企业微信) group robot: a <c>text</c> message, which (unlike <c>markdown</c>) can @-mention the recipients
/// by phone through <c>mentioned_mobile_list</c>, so their phones ring. One post for the whole group, cut to the
/// robot's 2,048 bytes by whole items.
/// </summary>
public sealed class WeComChannel(IHttpClientFactory clients, IOptions<WeComOptions> options) : INotificationChannel
{
    public const string ClientName = "notifications-wecom";

    /// <summary>The longest <c>text.content</c> the robot accepts, in UTF-8 bytes.</summary>
    public const int MaxContentBytes = 2048;

    public NotificationChannel Kind => NotificationChannel.WeCom;

    public bool PerRecipient => false;

    public Task SendAsync(OutgoingNotification message, CancellationToken cancellationToken)
    {
        var text = new JsonObject
        {
            ["content"] = NotificationContent.GroupText(
                message, a => a.Recipient.Name, (label, link) => $"{label} {link}", MaxContentBytes, NotificationContent.Utf8Bytes),
            ["mentioned_mobile_list"] = new JsonArray([.. NotificationContent.Phones(message).Select(p => JsonValue.Create(p))]),
        };
        var body = new JsonObject { ["msgtype"] = "text", ["text"] = text };
        return ChannelHttp.PostToRobotAsync(clients.CreateClient(ClientName), options.Value.Url!, body, cancellationToken);
    }
}
