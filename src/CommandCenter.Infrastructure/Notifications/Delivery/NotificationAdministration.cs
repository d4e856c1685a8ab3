using System.Globalization;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>What the deliveries page filters by; null means any. <paramref name="NodeCodes"/> limits it to an administrator's nodes.</summary>
public sealed record DeliveryQuery(DeliveryState? State, NotificationChannel? Channel, string? Recipient, int Page, int PageSize, IReadOnlyCollection<string>? NodeCodes = null);

/// <summary>One delivery as the page lists it, with its attempts.</summary>
public sealed record DeliveryRow(
    long Id,
    long NotificationId,
    string NodeCode,
    string? Summary,
    NotificationChannel Channel,
    string RecipientName,
    string? RecipientPhone,
    DeliveryState State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? LastError,
    IReadOnlyList<NotificationAttempt> History);

public sealed record DeliveryPage(IReadOnlyList<DeliveryRow> Rows, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>The administrators' view of the outbox: recent deliveries, newest first, and sending a given-up one again.</summary>
public sealed class NotificationAdministration(
    IDbContextFactory<CommandCenterDbContext> contexts,
    TimeProvider time,
    ILogger<NotificationAdministration> logger)
{
    public async Task<DeliveryPage> ReadAsync(DeliveryQuery query, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var deliveries = db.NotificationDeliveries.AsNoTracking();
        if (query.State is { } state)
        {
            deliveries = deliveries.Where(d => d.State == state);
        }

        if (query.Channel is { } channel)
        {
            deliveries = deliveries.Where(d => d.Channel == channel);
        }

        if (query.Recipient?.Trim() is { Length: > 0 } who)
        {
            deliveries = deliveries.Where(d => d.RecipientName.Contains(who) || (d.RecipientPhone != null && d.RecipientPhone.Contains(who)));
        }

        if (query.NodeCodes is { } nodes)
        {
            deliveries = deliveries.Where(d => db.Notifications.Any(n => n.Id == d.NotificationId && nodes.Contains(n.NodeCode)));
        }

        var total = await deliveries.CountAsync(ct);
        var page = Math.Clamp(query.Page, 1, Math.Max(1, (total + query.PageSize - 1) / query.PageSize));
        var rows = await deliveries
            .OrderByDescending(d => d.NotificationId).ThenByDescending(d => d.Id)
            .Skip((page - 1) * query.PageSize).Take(query.PageSize)
            .Join(db.Notifications, d => d.NotificationId, n => n.Id, (d, n) => new { Delivery = d, n.NodeCode })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Delivery.Id).ToList();
        var notificationIds = rows.Select(r => r.Delivery.NotificationId).Distinct().ToList();
        var attempts = (await db.NotificationAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync(ct))
            .OrderBy(a => a.At).ThenBy(a => a.Id).ToLookup(a => a.DeliveryId);
        var summaries = (await db.NotificationItems.AsNoTracking().Where(i => notificationIds.Contains(i.NotificationId)).ToListAsync(ct))
            .GroupBy(i => i.NotificationId)
            .ToDictionary(g => g.Key, g => string.Join("；", g.OrderBy(i => i.At).Select(i => i.Summary)));
        return new DeliveryPage(
            [.. rows.Select(r => new DeliveryRow(
                r.Delivery.Id, r.Delivery.NotificationId, r.NodeCode, summaries.GetValueOrDefault(r.Delivery.NotificationId),
                r.Delivery.Channel, r.Delivery.RecipientName, r.Delivery.RecipientPhone, r.Delivery.State, r.Delivery.Attempts,
                r.Delivery.NextAttemptAt, r.Delivery.DeliveredAt, r.Delivery.LastError, [.. attempts[r.Delivery.Id]]))],
            total, page, query.PageSize);
    }

    /// <summary>
    /// Sends a given-up delivery again from now, audited in the same save; a delivery in any other state refuses
    /// (<see cref="DeliveryStateRules"/>).
    /// </summary>
    public async Task ResendAsync(long deliveryId, Operator by, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var delivery = await db.NotificationDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, ct)
            ?? throw new Core.DomainRuleException($"Delivery {deliveryId} does not exist.");
        var now = time.GetUtcNow();
        var attempts = delivery.Attempts;
        delivery.Resend(now);
        db.AuditEntries.Add(AuditEntry.ForAdmin(
            AuditSubject.NotificationDelivery, delivery.Id.ToString(CultureInfo.InvariantCulture), AuditAction.DeliveryResent, Actor.Of(by), now,
            $"notification {delivery.NotificationId}, {delivery.Channel} to {delivery.RecipientName}, after {attempts} attempts"));
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Delivery {DeliveryId} ({Channel}, {Recipient}) sent again by {Actor}", delivery.Id, delivery.Channel, delivery.RecipientName, by.DisplayName);
    }
}
