using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications;

/// <summary>
/// Every <see cref="NotificationOptions.ScanInterval"/> (a second by default, so a Critical alert reaches a phone
/// within seconds): tell new events, then close the notifications whose window has ended. Runs on every server; the
/// write lock and the events' unique keys make several at once harmless.
/// </summary>
public sealed class NotificationRulesService(
    NotificationScanner scanner,
    NotificationOutbox outbox,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationRulesService> logger) : BackgroundService
{
    /// <summary>One tick: scan, then close. Returns the items told and the notifications closed.</summary>
    public async Task<(int Told, int Closed)> RunOnceAsync(CancellationToken ct = default)
    {
        var told = await scanner.ScanAsync(ct);
        var closed = await outbox.CloseDueAsync(ct);
        return (told, closed);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ScanInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick retries: events stay in the audit trail and due notifications stay open.
                logger.LogError(e, "Notification pass failed; retrying on the next tick");
            }
        }
    }
}
