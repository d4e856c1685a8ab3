using System.Text;
using CommandCenter.Core.Notifications;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// SMS through whatever gateway a city has, described by a request template (<see cref="SmsOptions"/>): one message
/// per recipient with a phone, the placeholders filled for them. Values are escaped for where they go: URL-encoded in
/// the address, JSON-escaped in a JSON body, as they are in a plain one.
/// </summary>
public sealed class SmsChannel(IHttpClientFactory clients, IOptions<SmsOptions> options, ReferenceData reference) : INotificationChannel
{
    public const string ClientName = "notifications-sms";

    public NotificationChannel Kind => NotificationChannel.Sms;

    public bool PerRecipient => true;

    public async Task SendAsync(OutgoingNotification message, CancellationToken cancellationToken)
    {
        var sms = options.Value;
        var values = Values(message);
        var json = sms.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase);
        using var request = new HttpRequestMessage(new HttpMethod(sms.Method), Fill(sms.Url!, values, Uri.EscapeDataString));
        if (sms.Body is { } body && sms.Method != "GET")
        {
            request.Content = new StringContent(Fill(body, values, json ? JsonEscape : v => v), Encoding.UTF8);
            request.Content.Headers.ContentType = new(sms.ContentType) { CharSet = "utf-8" };
        }

        foreach (var (name, value) in sms.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, Fill(value, values, v => v));
        }

        await ChannelHttp.SendAsync(clients.CreateClient(ClientName), request, cancellationToken);
    }

    /// <summary>The template's placeholders for the delivery's recipient.</summary>
    public Dictionary<string, string> Values(OutgoingNotification message)
    {
        var addressee = NotificationContent.Reached(message).FirstOrDefault();
        var node = message.Notification.NodeCode;
        var (text, kept) = NotificationContent.Fit(
            NotificationContent.Title(message), [.. message.Items.Select(NotificationContent.Line)], options.Value.MaxTextLength, line => line.Length);
        var listed = message.Items.Take(kept).Select(i => i.AlertId).ToHashSet();
        return new()
        {
            ["phone"] = message.Delivery.RecipientPhone ?? addressee?.Recipient.Phone ?? "",
            ["name"] = message.Delivery.RecipientName,
            ["text"] = text,
            ["link"] = addressee is null ? ""
                : string.Join(" ", NotificationContent.LinksOf(message, addressee).Where(l => listed.Contains(l.Item.AlertId)).Select(l => l.Link.ToString())),
            ["node"] = (reference.HasCity ? reference.Map.Find(node)?.Name : null) ?? node,
        };
    }

    /// <summary>Fills each <c>{name}</c> (checked at start-up to be known) with its value, escaped by <paramref name="escape"/>.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values, Func<string, string> escape) =>
        SmsOptions.PlaceholderPattern().Replace(template, m => escape(values[m.Groups[1].Value]));

    private static string JsonEscape(string value) => System.Text.Json.JsonEncodedText.Encode(value, ChannelHttp.Json.Encoder).ToString();
}
