using System.Text.Json;
using System.Threading.Channels;
using CommandCenter.Core.Metrics;
using Microsoft.Data.Sqlite;

namespace CommandCenter.Infrastructure.Metrics.InfluxDB;

/// <summary>
/// The durable outbox in front of InfluxDB (<c>MetricOutbox</c> in <c>metrics.db</c>). Every batch lands here first —
/// a local transaction, never the network — and <see cref="InfluxDeliveryService"/> sends the oldest rows and deletes
/// them only after InfluxDB answered 2xx. So a point survives an InfluxDB outage and an app restart, and its row id
/// (its identity in InfluxDB, see <see cref="InfluxLines"/>) is fixed before the first attempt to send it.
/// </summary>
public sealed class InfluxOutbox(MetricsDatabase database, MetricsStatus status) : IMetricBatchTarget
{
    // Appends and deletes run one at a time in this process, so the row count kept for the lag stays exact here.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<bool> _appended = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _count = -1;

    public async Task AppendAsync(IReadOnlyList<MetricPoint> points, CancellationToken ct)
    {
        if (points.Count == 0)
        {
            return;
        }

        await _writeLock.WaitAsync(ct);
        try
        {
            await using var connection = database.Open();
            EnsureCounted(connection);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await using var insert = MetricsDatabase.InsertCommand(connection, transaction, "MetricOutbox");
            foreach (var point in points)
            {
                MetricsDatabase.Bind(insert, point);
                await insert.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(CancellationToken.None);
            Counted(points.Count);
        }
        finally
        {
            _writeLock.Release();
        }

        _appended.Writer.TryWrite(true);
    }

    public void Append(MetricPoint point)
    {
        _writeLock.Wait();
        try
        {
            using var connection = database.Open();
            EnsureCounted(connection);
            using var transaction = connection.BeginTransaction();
            using var insert = MetricsDatabase.InsertCommand(connection, transaction, "MetricOutbox");
            MetricsDatabase.Bind(insert, point);
            insert.ExecuteNonQuery();
            transaction.Commit();
            Counted(1);
        }
        finally
        {
            _writeLock.Release();
        }

        _appended.Writer.TryWrite(true);
    }

    /// <summary>The oldest rows, in id order.</summary>
    public async Task<IReadOnlyList<OutboxRow>> ReadOldestAsync(int limit, CancellationToken ct)
    {
        await using var connection = database.Open();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT Id, Measurement, Time, Tags, Fields FROM MetricOutbox ORDER BY Id LIMIT $limit";
        select.Parameters.AddWithValue("$limit", limit);
        var rows = new List<OutboxRow>(Math.Min(limit, 10_000));
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new OutboxRow(reader.GetInt64(0), MetricsDatabase.ReadPoint(reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4))));
        }

        return rows;
    }

    /// <summary>Deletes rows InfluxDB has taken (or refused for good). Rows another process deleted first are simply not there.</summary>
    public async Task DeleteAsync(IReadOnlyList<OutboxRow> rows, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var connection = database.Open();
            EnsureCounted(connection);
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM MetricOutbox WHERE Id IN (SELECT value FROM json_each($ids))";
            delete.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(rows.Select(r => r.Id)));
            var deleted = await delete.ExecuteNonQueryAsync(CancellationToken.None);
            Counted(-deleted);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Counts the rows afresh (other processes sharing the data directory may have added or sent some).</summary>
    public async Task<long> RecountAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var connection = database.Open();
            _count = -1;
            EnsureCounted(connection);
            return _count;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Waits until a batch is appended in this process or <paramref name="timeout"/> passes (rows from other processes are found by polling).</summary>
    public async Task WaitForRowsAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var appended = _appended.Reader.ReadAsync(wake.Token).AsTask();
        var timeUp = Task.Delay(timeout, time, wake.Token);
        await Task.WhenAny(appended, timeUp);
        await wake.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }

    private void EnsureCounted(SqliteConnection connection)
    {
        if (_count >= 0)
        {
            return;
        }

        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM MetricOutbox";
        _count = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        status.SetOutboxPoints(_count);
    }

    private void Counted(long change)
    {
        _count = Math.Max(0, _count + change);
        status.SetOutboxPoints(_count);
    }
}

/// <summary>A point waiting in the outbox, with the id that makes it unique in InfluxDB.</summary>
public sealed record OutboxRow(long Id, MetricPoint Point);
