using CommandCenter.Core.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Metrics;

/// <summary>
/// Drains the <see cref="MetricWriter"/>'s buffer into the <see cref="IMetricBatchTarget"/> in batches of up to
/// <see cref="MetricsOptions.BatchSize"/> points, each written no later than <see cref="MetricsOptions.FlushInterval"/>
/// after its first point arrived. A batch the target refuses (file locked, disk full) is kept and retried; at
/// shutdown the buffer is closed and whatever is left is stored before the host stops.
/// </summary>
public sealed class MetricWriterService(
    MetricWriter writer,
    IMetricBatchTarget target,
    MetricsStatus status,
    IOptions<MetricsOptions> options,
    TimeProvider time,
    ILogger<MetricWriterService> logger) : BackgroundService
{
    private static readonly TimeSpan _retryDelay = TimeSpan.FromSeconds(1);

    private readonly List<MetricPoint> _batch = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await writer.Buffer.WaitToReadAsync(stoppingToken))
            {
                await FillBatchAsync(stoppingToken);
                await AppendWithRetryAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync drains what is left.
        }
    }

    /// <summary>
    /// Stops the loop, then stores what is still buffered. Here rather than at the end of <see cref="ExecuteAsync"/>:
    /// a host stopped right after starting may cancel the loop before it ever ran, and the points must be stored anyway.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCompleted: false })
        {
            // The host's shutdown timeout ran out while a batch was still being written: the loop owns the batch.
            logger.LogWarning("Metric writer still busy at shutdown; {Points} buffered points may be lost", writer.Buffer.Count);
            return;
        }

        await DrainAsync();
    }

    /// <summary>Adds points to the batch until it is full or its first point has waited the flush interval.</summary>
    private async Task FillBatchAsync(CancellationToken ct)
    {
        var size = options.Value.BatchSize;
        var due = time.GetUtcNow() + options.Value.FlushInterval;
        while (_batch.Count < size)
        {
            if (writer.Buffer.TryRead(out var point))
            {
                _batch.Add(point);
                continue;
            }

            var remaining = due - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var more = writer.Buffer.WaitToReadAsync(wake.Token).AsTask();
            var timeUp = Task.Delay(remaining, time, wake.Token);
            var first = await Task.WhenAny(more, timeUp);
            await wake.CancelAsync();
            ct.ThrowIfCancellationRequested();
            if (first == timeUp || !await more)
            {
                return; // flush interval over, or the buffer was closed
            }
        }
    }

    private async Task AppendWithRetryAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                // Not cancellable: a batch half-noticed as stored would be stored twice by the final drain.
                await target.AppendAsync(_batch, CancellationToken.None);
                status.LocalFailed(null);
                status.Buffered(-_batch.Count);
                _batch.Clear();
                return;
            }
            catch (Exception ex)
            {
                status.LocalFailed($"Could not store {_batch.Count} metric points locally: {ex.Message}");
                logger.LogError(ex, "Could not store a batch of {Points} metric points; retrying in {RetryDelay}", _batch.Count, _retryDelay);
                await Task.Delay(_retryDelay, time, ct);
            }
        }
    }

    /// <summary>Closes the buffer (later writes go straight to the target) and stores what is left, in batches.</summary>
    private async Task DrainAsync()
    {
        writer.Close();
        while (writer.Buffer.TryRead(out var point))
        {
            _batch.Add(point);
            if (_batch.Count >= options.Value.BatchSize)
            {
                await AppendOnceAsync();
            }
        }

        await AppendOnceAsync();
    }

    private async Task AppendOnceAsync()
    {
        if (_batch.Count == 0)
        {
            return;
        }

        try
        {
            await target.AppendAsync(_batch, CancellationToken.None);
        }
        catch (Exception ex)
        {
            status.Dropped(_batch.Count);
            logger.LogError(ex, "Shutting down: {Points} buffered metric points could not be stored and are lost", _batch.Count);
        }

        status.Buffered(-_batch.Count);
        _batch.Clear();
    }
}
