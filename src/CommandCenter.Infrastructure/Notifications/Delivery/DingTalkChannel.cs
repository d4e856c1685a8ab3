using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CommandCenter.Core.Notifications;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// A DingTalk (钉钉) custom robot: a <c>markdown</c> message whose acknowledgement links are clickable, @-mentioning
/// the recipients through <c>at.atMobiles</c> (the text names them as @phone, which is how DingTalk shows a mention).
/// With a secret (加签) each request is signed as DingTalk documents it.
/// </summary>
public sealed class DingTalkChannel(IHttpClientFactory clients, IOptions<DingTalkOptions> options, TimeProvider time) : INotificationChannel
{
    public const string ClientName = "notifications-dingtalk";

    /// <summary>
    /// The longest markdown text posted, in UTF-8 bytes: a few phone screens, well inside what the robot accepts. A
    /// storm's summary beyond it is counted, not listed: the wall and the console list it in full.
    /// </summary>
    public const int MaxTextBytes = 4000;

    public NotificationChannel Kind => NotificationChannel.DingTalk;

    public bool PerRecipient => false;

    public Task SendAsync(OutgoingNotification message, CancellationToken cancellationToken)
    {
        var phones = NotificationContent.Phones(message);
        var title = message.Items.FirstOrDefault()?.Summary ?? "通知";
        var text = NotificationContent.GroupText(
            message,
            a => a.Recipient.Phone is { Length: > 0 } phone ? $"@{phone}" : a.Recipient.Name,
            (label, link) => $"[{label}]({link})",
            MaxTextBytes,
            text => NotificationContent.Utf8Bytes(text) + text.Count(c => c == '\n')); // each line break is posted doubled
        var body = new JsonObject
        {
            ["msgtype"] = "markdown",
            ["markdown"] = new JsonObject { ["title"] = title, ["text"] = text.Replace("\n", "\n\n", StringComparison.Ordinal) },
            ["at"] = new JsonObject { ["atMobiles"] = new JsonArray([.. phones.Select(p => JsonValue.Create(p))]), ["isAtAll"] = false },
        };
        return ChannelHttp.PostToRobotAsync(clients.CreateClient(ClientName), SignedUrl(), body, cancellationToken);
    }

    /// <summary>The robot's address, with <c>&amp;timestamp=…&amp;sign=…</c> appended when a secret is set.</summary>
    private string SignedUrl()
    {
        var url = options.Value.Url!;
        if (options.Value.Secret is not { Length: > 0 } secret)
        {
            return url;
        }

        var timestamp = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return $"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}timestamp={timestamp}&sign={Uri.EscapeDataString(Sign(timestamp, secret))}";
    }

    /// <summary>
    /// DingTalk's 加签: HmacSHA256 over "timestamp\nsecret" (UTF-8) keyed with the secret, Base64 (URL-encoded by the
    /// caller). The timestamp is in milliseconds and must be within an hour of DingTalk's clock.
    /// </summary>
    public static string Sign(string timestamp, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}\n{secret}")));
}
