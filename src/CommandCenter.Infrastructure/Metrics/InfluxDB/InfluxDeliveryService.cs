using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Metrics.InfluxDB;

/// <summary>
/// Sends the outbox to InfluxDB, oldest first, in batches of up to <see cref="MetricsOptions.BatchSize"/> lines, and
/// deletes each batch only after a 2xx. While InfluxDB is unreachable or refuses (401, 5xx, missing database) the
/// rows stay and the batch is retried after 0.5 s, 1 s, 2 s… up to <see cref="InfluxDbOptions.MaxRetryDelay"/>; a
/// batch InfluxDB rejects as invalid (400) is logged, counted as dropped and deleted, so one bad point cannot stall
/// the rest. Runs only when <c>Metrics:Store</c> is InfluxDB. Exactly-once: see <see cref="InfluxLines"/>.
/// </summary>
public sealed class InfluxDeliveryService(
    InfluxOutbox outbox,
    OutboxWriter writer,
    InfluxHttp influx,
    MetricsStatus status,
    IOptions<MetricsOptions> options,
    TimeProvider time,
    ILogger<InfluxDeliveryService> logger) : BackgroundService
{
    private static readonly TimeSpan _firstRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>How often an idle loop looks for rows that other processes sharing the data directory left.</summary>
    private static readonly TimeSpan _idlePoll = TimeSpan.FromSeconds(1);

    private bool _databaseReady;
    private TimeSpan _retryDelay = TimeSpan.Zero;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var waiting = await outbox.RecountAsync(stoppingToken);
            if (waiting > 0)
            {
                logger.LogInformation("{Points} metric points wait in the outbox for {InfluxDB}", waiting, influx.Describe());
            }

            var limit = options.Value.BatchSize;
            while (!stoppingToken.IsCancellationRequested)
            {
                var rows = await outbox.ReadOldestAsync(limit, stoppingToken);
                if (rows.Count == 0)
                {
                    await outbox.RecountAsync(stoppingToken);
                    await outbox.WaitForRowsAsync(_idlePoll, time, stoppingToken);
                    continue;
                }

                var outcome = await TryDeliverAsync(rows, stoppingToken);
                if (outcome == Outcome.TooLarge && rows.Count > 1)
                {
                    limit = Math.Max(1, rows.Count / 2);
                    continue;
                }

                if (outcome == Outcome.Failed)
                {
                    _retryDelay = _retryDelay == TimeSpan.Zero
                        ? _firstRetryDelay
                        : TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, options.Value.InfluxDB.MaxRetryDelay.Ticks));
                    await Task.Delay(_retryDelay, time, stoppingToken);
                    continue;
                }

                _retryDelay = TimeSpan.Zero;
                limit = options.Value.BatchSize;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is not sent stays in the outbox for the next start.
        }
    }

    private enum Outcome
    {
        Delivered,
        Rejected,
        TooLarge,
        Failed,
    }

    private async Task<Outcome> TryDeliverAsync(IReadOnlyList<OutboxRow> rows, CancellationToken ct)
    {
        int number;
        try
        {
            number = await writer.NumberAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Failed($"The store could not number this metric outbox: {ex.Message}", rows.Count, ex);
        }

        InfluxWriteResult result;
        try
        {
            if (!_databaseReady && options.Value.InfluxDB.CreatesDatabase)
            {
                await influx.CreateDatabaseAsync(ct);
            }

            _databaseReady = true;
            result = await influx.WriteAsync(rows.Select(r => InfluxLines.ToLine(r.Id, number, r.Point)), ct);
        }
        catch (HttpRequestException ex)
        {
            return Failed($"{influx.Describe()} is unreachable: {ex.Message}", rows.Count, ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            return Failed($"{influx.Describe()} did not answer within {options.Value.InfluxDB.Timeout}", rows.Count, ex);
        }
        catch (InvalidOperationException ex)
        {
            return Failed(ex.Message, rows.Count, ex); // CREATE DATABASE refused (credentials, permissions): the message says so
        }

        if (result.Succeeded)
        {
            // Deleting is the only way rows leave the outbox; a crash before it resends them, harmlessly (same ids).
            await outbox.DeleteAsync(rows, CancellationToken.None);
            status.Stored(time.GetUtcNow());
            if (_retryDelay > TimeSpan.Zero)
            {
                logger.LogInformation("{InfluxDB} takes metric points again", influx.Describe());
            }

            return Outcome.Delivered;
        }

        if (result.IsDatabaseMissing)
        {
            _databaseReady = false; // dropped behind our back (1.x): create it again on the retry
        }

        if (result.IsTooLarge && rows.Count > 1)
        {
            logger.LogWarning("{InfluxDB} refused {Points} lines as too large; sending fewer at a time", influx.Describe(), rows.Count);
            return Outcome.TooLarge;
        }

        if (result.IsPermanent || result.IsTooLarge)
        {
            await outbox.DeleteAsync(rows, CancellationToken.None);
            status.Dropped(rows.Count);
            logger.LogError(
                "{InfluxDB} rejected a batch of {Points} metric points (ids {FirstId}–{LastId}) and will never take it: {Error}",
                influx.Describe(), rows.Count, rows[0].Id, rows[^1].Id, result.Error);
            return Outcome.Rejected;
        }

        return Failed($"{influx.Describe()} refused the write: {result.Error}", rows.Count, null);
    }

    private Outcome Failed(string error, int points, Exception? exception)
    {
        status.StoreFailed(error);

        // The first failure of an outage is a warning with the cause; the retries after it only say they happened.
        if (_retryDelay == TimeSpan.Zero)
        {
            logger.LogWarning(exception, "Metric points wait in the outbox ({Points} in this batch): {Error}", points, error);
        }
        else
        {
            logger.LogDebug("Still failing after {RetryDelay}: {Error}", _retryDelay, error);
        }

        return Outcome.Failed;
    }
}
