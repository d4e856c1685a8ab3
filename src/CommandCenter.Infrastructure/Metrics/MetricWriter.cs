using System.Threading.Channels;
using CommandCenter.Core.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Metrics;

/// <summary>
/// The <see cref="IMetricWriter"/> of both adapters: a bounded in-memory buffer that <see cref="MetricWriterService"/>
/// drains in batches into the configured <see cref="IMetricBatchTarget"/>. <see cref="Write"/> never waits for the
/// network or the store: when the buffer is full (the local file fell behind) or closed (shutting down) the point
/// goes straight into durable storage on the caller's thread — one local SQLite insert — rather than being lost.
/// </summary>
public sealed class MetricWriter : IMetricWriter
{
    private readonly Channel<MetricPoint> _buffer;
    private readonly IMetricBatchTarget _target;
    private readonly MetricsStatus _status;
    private readonly ILogger<MetricWriter> _logger;

    public MetricWriter(IMetricBatchTarget target, MetricsStatus status, IOptions<MetricsOptions> options, ILogger<MetricWriter> logger)
    {
        _target = target;
        _status = status;
        _logger = logger;
        _buffer = Channel.CreateBounded<MetricPoint>(new BoundedChannelOptions(options.Value.BufferCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: "full" is reported, nothing is dropped
        });
    }

    public MetricLag Lag => _status.Snapshot();

    internal ChannelReader<MetricPoint> Buffer => _buffer.Reader;

    public void Write(MetricPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        _status.Buffered(1); // before the write, so the batch writer can never count it out first
        if (_buffer.Writer.TryWrite(point))
        {
            return;
        }

        _status.Buffered(-1);
        try
        {
            _target.Append(point);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A metric must never fail the request that produced it: count it as lost and say so.
            _status.Dropped(1);
            _status.LocalFailed($"Could not store a metric point locally: {ex.Message}");
            _logger.LogError(ex, "Metric point {Measurement} lost: the buffer was full and it could not be stored locally", point.Measurement);
        }
    }

    /// <summary>No more buffering: from now on <see cref="Write"/> stores each point directly. Called at shutdown, before the last drain.</summary>
    internal void Close() => _buffer.Writer.TryComplete();
}
