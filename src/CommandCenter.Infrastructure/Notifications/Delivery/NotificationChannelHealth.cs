using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// Which configured channels keep failing: their last <see cref="DeliveryOptions.FailingAfter"/> attempts all failed.
/// One success clears it. Read from the attempts in the store, so every server reports the same.
/// </summary>
public sealed class NotificationChannelHealth(
    IDbContextFactory<CommandCenterDbContext> contexts,
    IEnumerable<INotificationChannel> channels,
    IOptions<DeliveryOptions> options)
{
    public IReadOnlyList<NotificationChannel> Configured { get; } = [.. channels.Select(c => c.Kind).Distinct()];

    public async Task<IReadOnlyList<(NotificationChannel Channel, string? LastError)>> FailingAsync(CancellationToken ct = default)
    {
        var failing = new List<(NotificationChannel, string?)>();
        var n = options.Value.FailingAfter;
        await using var db = await contexts.CreateDbContextAsync(ct);
        foreach (var channel in Configured)
        {
            var last = await db.NotificationAttempts
                .Join(db.NotificationDeliveries, a => a.DeliveryId, d => d.Id, (a, d) => new { a.Id, a.At, a.Succeeded, a.Error, d.Channel })
                .Where(a => a.Channel == channel)
                .OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
                .Take(n)
                .Select(a => new { a.Succeeded, a.Error })
                .ToListAsync(ct);
            if (last.Count == n && last.All(a => !a.Succeeded))
            {
                failing.Add((channel, last[0].Error));
            }
        }

        return failing;
    }
}
