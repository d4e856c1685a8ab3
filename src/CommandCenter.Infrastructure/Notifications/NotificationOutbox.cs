using System.Text.Json;
using CommandCenter.Core;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications;

/// <summary>An event to tell, before it is stored: its key, what it is, whose people hear of it and its line.</summary>
public sealed record PlannedItem(
    string EventKey,
    NotificationEvent Event,
    string NodeCode,
    Guid? AlertId,
    Guid? PetitionWarningId,
    string PlaceCode,
    string Summary,
    DateTimeOffset At);

/// <summary>
/// Puts events into notifications and closes them into deliveries. Grouping: the first event for a node goes out at
/// once; events within <see cref="NotificationOptions.GroupingWindow"/> after the node's previous message join one
/// notification due when that window ends, so a storm becomes a few messages. Both steps run under the store's write
/// lock, so servers sharing the store neither tell an event twice (its key is checked, and unique) nor close twice.
/// </summary>
public sealed class NotificationOutbox(
    IDbContextFactory<CommandCenterDbContext> contexts,
    DutyRecipients duty,
    AcknowledgementLinks links,
    IDataProtectionProvider protection,
    IEnumerable<INotificationChannel> channels,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationOutbox> logger)
{
    /// <summary>Keys per IN (…) list: well under both engines' parameter limits.</summary>
    private const int KeyChunk = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Stores the events not told yet, each joining its node's open notification or opening one; returns how many.</summary>
    /// <summary>Events someone must act on now; the others (silences, late-report charges) can wait for a window.</summary>
    private static readonly NotificationEvent[] Urgent =
        [NotificationEvent.AlertRaised, NotificationEvent.Escalated, NotificationEvent.PetitionWarning, NotificationEvent.Reminder];

    public async Task<int> AddAsync(IReadOnlyList<PlannedItem> planned, CancellationToken ct = default)
    {
        if (planned.Count == 0)
        {
            return 0;
        }

        var now = time.Now();
        var window = options.Value.GroupingWindow;
        await using var db = await contexts.CreateDbContextAsync(ct);
        IReadOnlyList<string> keys = [.. planned.Select(p => p.EventKey)];

        // Each pass re-reads recent events: look without the write lock first, so a pass with nothing new never waits.
        if ((await ToldAsync(db, keys, ct)).Count == keys.Distinct().Count())
        {
            return 0;
        }

        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        var told = await ToldAsync(db, keys, ct);
        var fresh = planned.Where(p => !told.Contains(p.EventKey)).DistinctBy(p => p.EventKey).ToList();
        if (fresh.Count == 0)
        {
            return 0;
        }

        foreach (var node in fresh.GroupBy(p => p.NodeCode, StringComparer.Ordinal))
        {
            var open = await db.Notifications
                .Where(n => n.NodeCode == node.Key && n.ClosedAt == null)
                .OrderBy(n => n.DueAt)
                .FirstOrDefaultAsync(ct);

            // An urgent event never waits behind a window only routine ones (silences, late-report charges) opened:
            // its window runs from the node's last message that told anything urgent.
            var urgent = node.Any(p => Urgent.Contains(p.Event));
            var lastSent = await db.Notifications
                .Where(n => n.NodeCode == node.Key && n.ClosedAt != null)
                .Where(n => !urgent || db.NotificationItems.Any(i => i.NotificationId == n.Id && Urgent.Contains(i.Event)))
                .MaxAsync(n => n.ClosedAt, ct);
            var dueAt = lastSent is { } sent && sent + window > now ? sent + window : now;
            if (open is null)
            {
                open = new Notification { NodeCode = node.Key, OpenedAt = now, DueAt = dueAt };
                db.Notifications.Add(open);
                await db.SaveChangesAsync(ct);
            }
            else if (urgent && dueAt < open.DueAt
                && !await db.NotificationItems.AnyAsync(i => i.NotificationId == open.Id && Urgent.Contains(i.Event), ct))
            {
                open.DueAt = dueAt;
            }

            db.NotificationItems.AddRange(node.Select(p => new NotificationItem
            {
                NotificationId = open.Id,
                EventKey = p.EventKey,
                Event = p.Event,
                AlertId = p.AlertId,
                PetitionWarningId = p.PetitionWarningId,
                PlaceCode = p.PlaceCode,
                Summary = p.Summary,
                At = p.At,
            }));
        }

        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another writer told one of these first (the check above runs under the write lock, so this is the
            // unique index's backstop): already told. The rest are planned again on the next scan.
            logger.LogInformation("Notification items already told elsewhere; skipped this batch of {Count}", fresh.Count);
            return 0;
        }

        return fresh.Count;
    }

    /// <summary>Closes every notification whose window has ended; returns how many.</summary>
    public async Task<int> CloseDueAsync(CancellationToken ct = default)
    {
        var now = time.Now();
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Notifications.AnyAsync(n => n.ClosedAt == null && n.DueAt <= now, ct))
        {
            return 0; // most ticks: look without the write lock
        }

        // Signing a link may first create the store's data-protection key, in a write of its own: it must not wait
        // for the write lock this pass is about to hold. Protecting anything makes the key ring current (and cached).
        protection.CreateProtector(nameof(NotificationOutbox)).Protect([0]);

        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        var due = await db.Notifications.Where(n => n.ClosedAt == null && n.DueAt <= now).OrderBy(n => n.DueAt).ToListAsync(ct);
        foreach (var notification in due)
        {
            var items = await db.NotificationItems.AsNoTracking()
                .Where(i => i.NotificationId == notification.Id).OrderBy(i => i.At).ThenBy(i => i.Id).ToListAsync(ct);
            await CloseAsync(db, notification, items, now, ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return due.Count;
    }

    /// <summary>
    /// Fixes who the notification is for, composes its text, issues one acknowledgement link per (recipient, alert)
    /// and creates one delivery per registered channel (per recipient with a phone for a channel that reaches people).
    /// </summary>
    private async Task CloseAsync(CommandCenterDbContext db, Notification notification, IReadOnlyList<NotificationItem> items, DateTimeOffset now, CancellationToken ct)
    {
        var level = duty.LevelOf(notification.NodeCode);
        var withLeader = items.Any(i => NotificationRouting.WantsLeader(i.Event, level));
        var answer = await duty.OnDutyAsync(notification.NodeCode, now, withLeader, ct);
        if (answer.Recipients.Count == 0)
        {
            logger.LogWarning("Nobody on duty at {NodeCode} or above for notification {NotificationId}; only group channels will post it",
                notification.NodeCode, notification.Id);
        }

        var alerts = items.Select(i => i.AlertId).OfType<Guid>().Distinct().ToList();
        var canLink = options.Value.PublicBaseUrl is not null;
        var addressees = answer.Recipients
            .Select(r => new NotificationAddressee(
                r,
                canLink ? alerts.ToDictionary(a => a, a => links.Issue(db, a, r, answer.NodeCode)) : new Dictionary<Guid, Uri>()))
            .ToList();

        notification.ClosedAt = now;
        notification.Recipients = JsonSerializer.Serialize(addressees, Json);
        notification.Text = string.Join('\n', [
            NotificationWording.Title(duty.NameOf(notification.NodeCode), items.Count, items.All(i => i.AlertId is not null)),
            .. items.Select(i => NotificationWording.Line(i.At, i.Summary)),
        ]);

        foreach (var channel in channels.DistinctBy(c => c.Kind))
        {
            if (channel.PerRecipient)
            {
                db.NotificationDeliveries.AddRange(answer.Recipients.Where(r => r.Phone is not null).Select(r => new NotificationDelivery
                {
                    NotificationId = notification.Id,
                    Channel = channel.Kind,
                    RecipientKey = r.Key,
                    RecipientName = r.Name,
                    RecipientPhone = r.Phone,
                    NextAttemptAt = now,
                }));
            }
            else
            {
                db.NotificationDeliveries.Add(new NotificationDelivery
                {
                    NotificationId = notification.Id,
                    Channel = channel.Kind,
                    RecipientKey = "*",
                    RecipientName = NotificationWording.Everybody,
                    NextAttemptAt = now,
                });
            }
        }
    }

    /// <summary>The keys of <paramref name="keys"/> already told.</summary>
    private static async Task<HashSet<string>> ToldAsync(CommandCenterDbContext db, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var told = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in keys.Distinct().Chunk(KeyChunk))
        {
            told.UnionWith(await db.NotificationItems.Where(i => chunk.Contains(i.EventKey)).Select(i => i.EventKey).ToListAsync(ct));
        }

        return told;
    }

    /// <summary>The keys of <paramref name="keys"/> already told, for planners that skip work on told events.</summary>
    internal async Task<HashSet<string>> ToldAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ToldAsync(db, keys, ct);
    }
}
