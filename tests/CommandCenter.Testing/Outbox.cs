using System.Text.Json;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Testing;

/// <summary>
/// Closed notifications put straight into the outbox, as the notification rules close them: items, the addressees
/// with an acknowledgement link each per alert, and one delivery per channel (per recipient with a phone for a
/// per-recipient channel, else one for the group), due now.
/// </summary>
public static class Outbox
{
    public static readonly NotificationRecipient Zhang = new("张伟", "13800000001", null, IsLeader: false);
    public static readonly NotificationRecipient Li = new("李娜", "13800000002", null, IsLeader: true);

    /// <summary>What a closed notification's title calls its node.</summary>
    public const string NodeName = "湖滨街道";

    /// <summary>The settings a store needs to issue acknowledgement links.</summary>
    public const string PublicBaseUrl = "https://cc.example.gov.cn/";

    public sealed record Closed(Notification Notification, IReadOnlyList<NotificationItem> Items, IReadOnlyList<NotificationAddressee> Addressees, IReadOnlyList<NotificationDelivery> Deliveries);

    public static Task<Closed> CloseAsync(
        IServiceProvider services,
        DateTimeOffset now,
        string nodeCode,
        IReadOnlyList<(Guid AlertId, string PlaceCode, string Summary)> alerts,
        IReadOnlyList<NotificationRecipient> recipients,
        params (NotificationChannel Channel, bool PerRecipient)[] channels) =>
        CloseAsync(
            services, now, nodeCode, alerts, recipients,
            string.Join('\n', [NotificationWording.Title(NodeName, alerts.Count, allAlerts: true), .. alerts.Select(a => NotificationWording.Line(now, a.Summary))]),
            channels);

    /// <summary>As the other overload, with the message's text as given.</summary>
    public static async Task<Closed> CloseAsync(
        IServiceProvider services,
        DateTimeOffset now,
        string nodeCode,
        IReadOnlyList<(Guid AlertId, string PlaceCode, string Summary)> alerts,
        IReadOnlyList<NotificationRecipient> recipients,
        string text,
        params (NotificationChannel Channel, bool PerRecipient)[] channels)
    {
        var links = services.GetRequiredService<AcknowledgementLinks>();
        await using var db = await services.GetRequiredService<IDbContextFactory<CommandCenterDbContext>>().CreateDbContextAsync();
        var notification = new Notification
        {
            NodeCode = nodeCode,
            OpenedAt = now,
            DueAt = now,
            ClosedAt = now,
            Text = text,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();

        var items = alerts.Select((a, i) => new NotificationItem
        {
            NotificationId = notification.Id,
            EventKey = $"raised:{a.AlertId}",
            Event = NotificationEvent.AlertRaised,
            AlertId = a.AlertId,
            PlaceCode = a.PlaceCode,
            Summary = a.Summary,
            At = now,
        }).ToList();
        db.NotificationItems.AddRange(items);
        var addressees = recipients
            .Select(r => new NotificationAddressee(r, alerts.ToDictionary(a => a.AlertId, a => links.Issue(db, a.AlertId, r, nodeCode))))
            .ToList();
        notification.Recipients = JsonSerializer.Serialize(addressees);
        var deliveries = channels.SelectMany(c => c.PerRecipient
            ? recipients.Where(r => r.Phone is not null).Select(r => Delivery(notification.Id, c.Channel, r.Key, r.Name, r.Phone, now))
            : [Delivery(notification.Id, c.Channel, "*", "值班群", null, now)]).ToList();
        db.NotificationDeliveries.AddRange(deliveries);
        await db.SaveChangesAsync();
        return new Closed(notification, items, addressees, deliveries);
    }

    private static NotificationDelivery Delivery(long notificationId, NotificationChannel channel, string key, string name, string? phone, DateTimeOffset now) => new()
    {
        NotificationId = notificationId,
        Channel = channel,
        RecipientKey = key,
        RecipientName = name,
        RecipientPhone = phone,
        State = DeliveryState.Pending,
        NextAttemptAt = now,
    };
}
