using CommandCenter.Core.Notifications;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>The outbox's query words, as the store can run them.</summary>
public static class NotificationQueries
{
    /// <summary>Pending, its next attempt due, and not held by a server (or its lease ran out).</summary>
    public static IQueryable<NotificationDelivery> DueAt(this IQueryable<NotificationDelivery> deliveries, DateTimeOffset now) =>
        deliveries.Where(d => d.State == DeliveryState.Pending && d.NextAttemptAt <= now && (d.LeasedUntil == null || d.LeasedUntil <= now));

    /// <summary>
    /// The attempts of the deliveries of the notifications that told about <paramref name="alertId"/>, oldest first,
    /// each numbered among its delivery's attempts (for "第 2 次失败").
    /// </summary>
    public static async Task<IReadOnlyList<AlertDeliveryAttempt>> AttemptsAboutAsync(this Persistence.CommandCenterDbContext db, Guid alertId, CancellationToken ct = default)
    {
        // From the alert's items (indexed by alert) outwards; an alert told twice in one notification is one set of attempts.
        var notifications = db.NotificationItems.Where(i => i.AlertId == alertId).Select(i => i.NotificationId).Distinct();
        var rows = await (
            from delivery in db.NotificationDeliveries
            where notifications.Contains(delivery.NotificationId)
            join attempt in db.NotificationAttempts on delivery.Id equals attempt.DeliveryId
            select new { attempt.Id, attempt.DeliveryId, attempt.At, delivery.Channel, delivery.RecipientName, attempt.Succeeded, attempt.StatusCode, attempt.Error })
            .ToListAsync(ct);
        return [.. rows.OrderBy(r => r.At).ThenBy(r => r.Id)
            .GroupBy(r => r.DeliveryId)
            .SelectMany(g => g.Select((r, i) => new AlertDeliveryAttempt(r.At, r.DeliveryId, i + 1, r.Channel, r.RecipientName, r.Succeeded, r.StatusCode, r.Error)))
            .OrderBy(a => a.At).ThenBy(a => a.DeliveryId)];
    }
}

/// <summary>One attempt as an alert's timeline says it: when, which channel, to whom, and how it went.</summary>
public sealed record AlertDeliveryAttempt(
    DateTimeOffset At,
    long DeliveryId,
    int Number,
    NotificationChannel Channel,
    string RecipientName,
    bool Succeeded,
    int? StatusCode,
    string? Error);
