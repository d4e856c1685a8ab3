using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CommandCenter.Infrastructure;

/// <summary>
/// Runs the Quartz scheduler with the app, and lets the app stop even when the job store cannot be reached. Quartz's
/// own hosted service waits for the scheduler's shutdown without end: with the database gone its threads retry the
/// store for ever, and a server told to stop (an upgrade, a failover) never did. Here the wait ends with the host's
/// shutdown timeout; a job still running then is cut off with the process, as a crash would, which the store's write
/// transactions and Quartz's recovery already cover.
/// </summary>
public sealed class SchedulerHost(ISchedulerFactory schedulers, IHostApplicationLifetime lifetime, ILogger<SchedulerHost> logger) : IHostedService
{
    private IScheduler? _scheduler;
    private Task? _starting;

    /// <summary>
    /// The scheduler was still stopping when the host stopped: its threads keep retrying the store and would keep the
    /// process alive, so the process must end itself.
    /// </summary>
    public bool LeftRunning { get; private set; }

    /// <summary>Jobs start once the app has started, as with Quartz's own hosted service: every feed subscriber is listening by then.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _starting = StartSchedulerAsync());
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_starting is { } starting)
            {
                await starting.WaitAsync(cancellationToken);
            }

            if (_scheduler is not null)
            {
                // Quartz gets no token: a token already spent by earlier services could cut its shutdown short half-way.
                await _scheduler.Shutdown(waitForJobsToComplete: true, CancellationToken.None).AsTask().WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            LeftRunning = true;
            logger.LogWarning("The job scheduler had not stopped by the end of the shutdown timeout (is the job store reachable?); stopping without it");
        }
    }

    private async Task StartSchedulerAsync()
    {
        try
        {
            var scheduler = await schedulers.GetScheduler();
            await scheduler.Start();
            _scheduler = scheduler;
        }
        catch (Exception error)
        {
            logger.LogError(error, "The job scheduler did not start");
        }
    }
}
