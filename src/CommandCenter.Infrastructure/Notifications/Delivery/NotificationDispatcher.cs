using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// Sends the deliveries that are due, each once. A server first leases a delivery (a conditional update of
/// <see cref="NotificationDelivery.LeasedUntil"/> and <see cref="NotificationDelivery.Version"/>: of several servers
/// exactly one wins it), sends it, and records the attempt and the outcome in one save guarded by the version it
/// leased. Everything is in the store, so a restarted or another server carries on where one stopped. A server
/// killed mid-send leaves its lease to run out; the delivery is then sent again, with the same delivery id.
/// </summary>
public sealed class NotificationDispatcher(
    IDbContextFactory<CommandCenterDbContext> contexts,
    IEnumerable<INotificationChannel> channels,
    DeliveryBackoff backoff,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<NotificationDispatcher> logger)
{
    private readonly Dictionary<NotificationChannel, INotificationChannel> _channels = channels.ToDictionary(c => c.Kind);

    /// <summary>The channels this server sends through: it leases only their deliveries.</summary>
    public IReadOnlyCollection<NotificationChannel> Channels => _channels.Keys;

    /// <summary>Leases up to a batch of due deliveries, sends them side by side and returns how many it worked.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        if (_channels.Count == 0)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var kinds = _channels.Keys.ToArray();
        List<Candidate> due;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            due = await db.NotificationDeliveries.AsNoTracking()
                .DueAt(now)
                .Where(d => kinds.Contains(d.Channel))
                .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id)
                .Take(options.Value.BatchSize)
                .Select(d => new Candidate(d.Id, d.Version))
                .ToListAsync(ct);
        }

        var leased = new List<Candidate>();
        foreach (var candidate in due)
        {
            if (await LeaseAsync(candidate, now, ct))
            {
                leased.Add(candidate with { Version = candidate.Version + 1 });
            }
        }

        await Task.WhenAll(leased.Select(d => SendAsync(d, ct)));
        return leased.Count;
    }

    private sealed record Candidate(long Id, long Version);

    /// <summary>Takes the delivery if it is still due, unleased and unchanged since it was read; false when another server has it.</summary>
    private async Task<bool> LeaseAsync(Candidate candidate, DateTimeOffset now, CancellationToken ct)
    {
        var until = now + options.Value.LeaseDuration;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.NotificationDeliveries
            .Where(d => d.Id == candidate.Id && d.Version == candidate.Version)
            .DueAt(now)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.LeasedUntil, until).SetProperty(d => d.Version, d => d.Version + 1), ct) == 1;
    }

    private async Task SendAsync(Candidate leased, CancellationToken ct)
    {
        try
        {
            var message = await LoadAsync(leased.Id, ct);
            var started = time.GetTimestamp();
            string? error = null;
            int? status = null;
            try
            {
                await _channels[message.Delivery.Channel].SendAsync(message, ct);
            }
            catch (NotificationChannelException refused)
            {
                (error, status) = (refused.Message, refused.StatusCode);
            }
            catch (HttpRequestException failed)
            {
                (error, status) = (failed.Message, (int?)failed.StatusCode);
            }
            catch (Exception timedOut) when (timedOut is TimeoutException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException && !ct.IsCancellationRequested)
            {
                error = $"No answer within {options.Value.SendTimeout.TotalSeconds:0} s";
            }
            catch (Exception other) when (!ct.IsCancellationRequested)
            {
                // A message the channel could not even build or send (e.g. a header the template filled with
                // non-ASCII text) is a failed attempt too: recorded, retried, given up, seen on the page.
                logger.LogWarning(other, "Delivery {DeliveryId} could not be sent through {Channel}", leased.Id, message.Delivery.Channel);
                error = $"{other.GetType().Name}: {other.Message}";
            }

            var duration = (int)time.GetElapsedTime(started).TotalMilliseconds;
            await RecordAsync(message.Delivery, leased.Version, duration, error, status);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down mid-send: the lease runs out and the delivery is tried again, by this server or another.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Delivery {DeliveryId} could not be worked; its lease runs out and it is tried again", leased.Id);
        }
    }

    private async Task<OutgoingNotification> LoadAsync(long deliveryId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var delivery = await db.NotificationDeliveries.AsNoTracking().SingleAsync(d => d.Id == deliveryId, ct);
        var notification = await db.Notifications.AsNoTracking().SingleAsync(n => n.Id == delivery.NotificationId, ct);
        var items = await db.NotificationItems.AsNoTracking()
            .Where(i => i.NotificationId == notification.Id)
            .OrderBy(i => i.At).ThenBy(i => i.Id)
            .ToListAsync(ct);
        return new OutgoingNotification(notification, items, NotificationContent.Addressees(notification.Recipients), delivery);
    }

    /// <summary>
    /// The attempt and the delivery's new state in one save, guarded by the leased version. Not cancelled by
    /// shutdown: a message that went out must be recorded as delivered, or it would be sent again.
    /// </summary>
    private async Task RecordAsync(NotificationDelivery delivery, long leasedVersion, int durationMs, string? error, int? status)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync();
        delivery.Version = leasedVersion;
        db.NotificationDeliveries.Attach(delivery);
        var attempt = error is null
            ? delivery.Succeed(now, durationMs)
            : delivery.Fail(now, durationMs, error, status, backoff.NextAttemptAt(delivery.Attempts + 1, now));
        db.NotificationAttempts.Add(attempt);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateConcurrencyException)
        {
            // The lease ran out mid-send and another server took the delivery: its record stands.
            logger.LogWarning("Delivery {DeliveryId}: the lease ran out before the attempt was recorded ({Outcome})", delivery.Id, error ?? "delivered");
            return;
        }

        if (error is null)
        {
            logger.LogInformation("Delivery {DeliveryId} ({Channel}, {Recipient}) delivered on attempt {Attempt}", delivery.Id, delivery.Channel, delivery.RecipientName, delivery.Attempts);
        }
        else
        {
            logger.LogWarning("Delivery {DeliveryId} ({Channel}, {Recipient}) attempt {Attempt} failed: {Error}; {Next}",
                delivery.Id, delivery.Channel, delivery.RecipientName, delivery.Attempts, error,
                delivery.State == DeliveryState.GaveUp ? "given up" : $"next at {delivery.NextAttemptAt:O}");
        }
    }
}
