using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// A JSON POST of the events, the alerts they are about, the recipients and their acknowledgement links to any
/// receiver (wwwroot-assets/docs/notifications.md). Every attempt of one delivery carries the same body and delivery
/// id, so a receiver de-duplicates on the id; with a secret the body is signed so it can trust it.
/// </summary>
public sealed class WebhookChannel(
    IHttpClientFactory clients,
    IOptions<WebhookOptions> options,
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference) : INotificationChannel
{
    public const string ClientName = "notifications-webhook";
    public const string SignatureHeader = "X-CommandCenter-Signature";
    public const string DeliveryHeader = "X-CommandCenter-Delivery";

    public NotificationChannel Kind => NotificationChannel.Webhook;

    public bool PerRecipient => false;

    public async Task SendAsync(OutgoingNotification message, CancellationToken cancellationToken)
    {
        var body = await BodyAsync(message, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(DeliveryHeader, message.Delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (options.Value.Secret is { Length: > 0 } secret)
        {
            request.Headers.Add(SignatureHeader, Sign(body, secret));
        }

        await ChannelHttp.SendAsync(clients.CreateClient(ClientName), request, cancellationToken);
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of the body's exact bytes, keyed with the secret's UTF-8 bytes.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task<byte[]> BodyAsync(OutgoingNotification message, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alerts = await NotificationContent.AlertsAsync(db, message, ct);
        var map = reference.HasCity ? reference.Map : null;
        string? NameOf(string code) => map?.Find(code)?.Name;
        var body = new WebhookBody(
            message.Delivery.Id,
            message.Notification.Id,
            new WebhookPlace(message.Notification.NodeCode, NameOf(message.Notification.NodeCode)),
            message.Notification.ClosedAt,
            NotificationContent.Text(message),
            [.. message.Items.Select(i => new WebhookEvent(i.Event, i.EventKey, i.AlertId, i.PetitionWarningId, i.PlaceCode, i.Summary, i.At))],
            [.. alerts.Select(a => new WebhookAlert(
                a.Id,
                a.Title,
                a.Severity,
                new WebhookPlace(a.CategoryCode, reference.Categories.Find(a.CategoryCode)?.Name),
                new WebhookPlace(a.GridCode, NameOf(a.GridCode)),
                new WebhookPlace(a.TownCode, NameOf(a.TownCode)),
                a.State,
                a.ReportedAt))],
            [.. message.Addressees.Select(a => new WebhookRecipient(
                a.Recipient.Name,
                a.Recipient.Phone,
                a.Recipient.UserName,
                a.Recipient.IsLeader,
                [.. a.AckLinks.Select(l => new WebhookAckLink(l.Key, l.Value))]))]);
        return JsonSerializer.SerializeToUtf8Bytes(body, ChannelHttp.Json);
    }
}

public sealed record WebhookBody(
    long DeliveryId,
    long NotificationId,
    WebhookPlace Node,
    DateTimeOffset? ClosedAt,
    string Text,
    IReadOnlyList<WebhookEvent> Events,
    IReadOnlyList<WebhookAlert> Alerts,
    IReadOnlyList<WebhookRecipient> Recipients);

/// <summary>A code and its name (a node, a category).</summary>
public sealed record WebhookPlace(string Code, string? Name);

public sealed record WebhookEvent(NotificationEvent Event, string EventKey, Guid? AlertId, Guid? PetitionWarningId, string PlaceCode, string Summary, DateTimeOffset At);

public sealed record WebhookAlert(
    Guid Id,
    string Title,
    Core.Alerts.Severity Severity,
    WebhookPlace Category,
    WebhookPlace Grid,
    WebhookPlace Town,
    Core.Alerts.AlertState State,
    DateTimeOffset ReportedAt);

public sealed record WebhookRecipient(string Name, string? Phone, string? UserName, bool IsLeader, IReadOnlyList<WebhookAckLink> AckLinks);

public sealed record WebhookAckLink(Guid AlertId, Uri Url);
