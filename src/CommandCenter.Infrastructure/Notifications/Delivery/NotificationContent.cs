using System.Text;
using System.Text.Json;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// What the channels say, from one <see cref="OutgoingNotification"/>: the message's text (as composed when the
/// notification closed), its addressees' acknowledgement links, and the alerts its items name as they are now.
/// </summary>
public static class NotificationContent
{
    /// <summary>What precedes an acknowledgement link in a group message: the messages go out in Chinese, like the items' summaries.</summary>
    public const string AckLabel = "确认";

    private static readonly JsonSerializerOptions Read = new(JsonSerializerDefaults.Web);

    /// <summary>The addressees a closed notification stores (<see cref="Notification.Recipients"/>); none when it has none.</summary>
    public static IReadOnlyList<NotificationAddressee> Addressees(string? recipients) =>
        string.IsNullOrWhiteSpace(recipients) ? [] : JsonSerializer.Deserialize<List<NotificationAddressee>>(recipients, Read) ?? [];

    /// <summary>The message's text: the notification's own, else its items' summary lines.</summary>
    public static string Text(OutgoingNotification message) =>
        message.Notification.Text is { Length: > 0 } text ? text : string.Join("\n", message.Items.Select(i => i.Summary));

    /// <summary>The addressees the delivery is for: one for a per-recipient channel, all of them for a group.</summary>
    public static IReadOnlyList<NotificationAddressee> Reached(OutgoingNotification message) =>
        message.Delivery.RecipientKey == "*" ? message.Addressees
        : [.. message.Addressees.Where(a => a.Recipient.Key == message.Delivery.RecipientKey)];

    /// <summary>A recipient's acknowledgement links in the order of the items that name the alerts.</summary>
    public static IEnumerable<(NotificationItem Item, Uri Link)> LinksOf(OutgoingNotification message, NotificationAddressee addressee) =>
        message.Items.Where(i => i.AlertId is { } id && addressee.AckLinks.ContainsKey(id))
            .DistinctBy(i => i.AlertId)
            .Select(i => (i, addressee.AckLinks[i.AlertId!.Value]));

    /// <summary>
    /// The text for a group robot: the message's title, then each item's line followed by every addressee's
    /// acknowledgement line for it, so whoever is on duty finds their own link next to the alert. As many items as
    /// fit in <paramref name="limit"/> (measured by <paramref name="size"/>); the rest are counted at the end.
    /// </summary>
    public static string GroupText(
        OutgoingNotification message, Func<NotificationAddressee, string> mention, Func<string, Uri, string> link, int limit, Func<string, int> size)
    {
        var reached = Reached(message);
        var blocks = message.Items.Select(item =>
        {
            var block = new StringBuilder(Line(item));
            foreach (var addressee in reached)
            {
                if (item.AlertId is { } alert && addressee.AckLinks.TryGetValue(alert, out var uri))
                {
                    block.Append('\n').Append(mention(addressee)).Append(' ').Append(link(AckLabel, uri));
                }
            }

            return block.ToString();
        }).ToList();
        return Fit(Title(message), blocks, limit, size).Text;
    }

    /// <summary>The message's first line: who it is for and how many items it holds.</summary>
    public static string Title(OutgoingNotification message) => Text(message).Split('\n', 2)[0];

    /// <summary>An item's line as the message's text lists it.</summary>
    public static string Line(NotificationItem item) => NotificationWording.Line(item.At, item.Summary);

    /// <summary>
    /// <paramref name="title"/>, then as many of <paramref name="blocks"/> (in order) as fit in <paramref name="limit"/>,
    /// then a line counting the ones left out. The first block always goes, its first line shortened with "…" to
    /// what is left if need be: a message names at least one thing. <paramref name="size"/> must add up over
    /// concatenation (characters, UTF-8 bytes). Returns the text and how many blocks it kept.
    /// </summary>
    public static (string Text, int Kept) Fit(string title, IReadOnlyList<string> blocks, int limit, Func<string, int> size)
    {
        var all = string.Join('\n', [title, .. blocks]);
        if (size(all) <= limit || blocks.Count == 0)
        {
            return (all, blocks.Count);
        }

        // Something is left out, so the count of it is written: keep each block only with room for the count after it.
        int Count(int kept) => size("\n") + size(NotificationWording.More(blocks.Count - kept));
        var text = new StringBuilder(title);
        var used = size(title);
        var kept = 0;
        while (kept < blocks.Count && used + size("\n") + size(blocks[kept]) + Count(kept + 1) <= limit)
        {
            text.Append('\n').Append(blocks[kept]);
            used += size("\n") + size(blocks[kept]);
            kept++;
        }

        if (kept == 0)
        {
            var room = limit - used - size("\n") - (blocks.Count > 1 ? Count(1) : 0);
            text.Append('\n').Append(Shorten(blocks[0], room, size));
            kept = 1;
        }

        if (kept < blocks.Count)
        {
            text.Append('\n').Append(NotificationWording.More(blocks.Count - kept));
        }

        return (text.ToString(), kept);
    }

    /// <summary>A block cut to <paramref name="room"/> by shortening its first line (the item's words), never its links.</summary>
    private static string Shorten(string block, int room, Func<string, int> size)
    {
        var parts = block.Split('\n', 2);
        var rest = parts.Length > 1 ? "\n" + parts[1] : "";
        var line = parts[0];
        while (line.Length > 0 && size(line) + size("…") + size(rest) > room)
        {
            line = line[..^1];
        }

        return line + "…" + rest;
    }

    /// <summary>A size for <see cref="Fit"/>: the UTF-8 bytes a robot's limit counts.</summary>
    public static int Utf8Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>The phones of the delivery's addressees, for a robot to @-mention them.</summary>
    public static IReadOnlyList<string> Phones(OutgoingNotification message) =>
        [.. Reached(message).Select(a => a.Recipient.Phone).OfType<string>().Where(p => p.Length > 0).Distinct()];

    /// <summary>The alerts the items name, as the store holds them now, in the items' order.</summary>
    public static async Task<IReadOnlyList<Core.Alerts.Alert>> AlertsAsync(CommandCenterDbContext db, OutgoingNotification message, CancellationToken ct)
    {
        var ids = message.Items.Select(i => i.AlertId).OfType<Guid>().Distinct().ToList();
        var alerts = await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(ct);
        return [.. alerts.OrderBy(a => ids.IndexOf(a.Id))];
    }
}
