using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// Looks for due deliveries every <see cref="DeliveryOptions.PollInterval"/> on every server; the leases in the store,
/// not this loop, decide which server sends which. Registered only when a channel is configured.
/// </summary>
internal sealed class NotificationWorker(NotificationDispatcher dispatcher, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<NotificationWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first look is one interval after start, like every later one: a delivery due at start waits at most one
        // interval, and the host's start-up is not raced by a pass of its own.
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                // A full batch means more may be waiting: look again at once rather than a poll later.
                while (await dispatcher.DeliverDueAsync(stoppingToken) == options.Value.BatchSize)
                {
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Looking for due notification deliveries failed; trying again in {PollInterval}", options.Value.PollInterval);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
