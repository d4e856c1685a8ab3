using System.Text;
using CommandCenter.Core.Metrics;
using Microsoft.Data.Sqlite;

namespace CommandCenter.Infrastructure.Metrics.Embedded;

/// <summary>
/// The default metric store: points in the <c>MetricPoints</c> table of <c>metrics.db</c>, queries answered with SQL
/// (<c>json_extract</c> for tags and fields, integer division for buckets) over the (measurement, time) index. Same
/// answers as InfluxDB — epoch-aligned buckets, empty buckets absent — so the product runs without a server.
/// </summary>
public sealed class EmbeddedMetricStore(MetricsDatabase database, MetricsStatus status, TimeProvider time) : IMetricBatchTarget, IMetricReader
{
    public async Task AppendAsync(IReadOnlyList<MetricPoint> points, CancellationToken ct)
    {
        if (points.Count == 0)
        {
            return;
        }

        await using var connection = database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var insert = MetricsDatabase.InsertCommand(connection, transaction, "MetricPoints");
        foreach (var point in points)
        {
            MetricsDatabase.Bind(insert, point);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(CancellationToken.None);
        status.Stored(time.GetUtcNow());
    }

    public void Append(MetricPoint point)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = MetricsDatabase.InsertCommand(connection, transaction, "MetricPoints");
        MetricsDatabase.Bind(insert, point);
        insert.ExecuteNonQuery();
        transaction.Commit();
    }

    public async Task<IReadOnlyList<MetricValue>> QueryAsync(MetricQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.EnsureValid();
        try
        {
            await using var connection = database.Open();
            await using var command = connection.CreateCommand();
            Translate(query, command);
            var values = new List<MetricValue>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                values.Add(new MetricValue(
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetDouble(2)));
            }

            return MetricResults.Ordered(values);
        }
        catch (SqliteException ex)
        {
            throw new MetricStoreException($"The embedded metric store ({database.Path}) could not answer: {ex.Message}", ex);
        }
    }

    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        try
        {
            await using var connection = database.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'MetricPoints'";
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>
    /// The query as SQL. Names are validated identifiers, so JSON paths are plain <c>$.name</c>; every value is a
    /// parameter. Groups whose points all lack the field are left out, as InfluxDB leaves them out.
    /// </summary>
    internal static void Translate(MetricQuery query, SqliteCommand command)
    {
        var value = "json_extract(Fields, $field)";
        var aggregate = query.Aggregate switch
        {
            MetricAggregate.Count => $"COUNT({value})",
            MetricAggregate.Sum => $"SUM({value})",
            MetricAggregate.Mean => $"AVG({value})",
            MetricAggregate.Min => $"MIN({value})",
            MetricAggregate.Max => $"MAX({value})",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Aggregate, "Unknown aggregate."),
        };
        var bucket = query.BucketMilliseconds is null ? "$from" : "(Time / $bucket) * $bucket";
        var group = query.GroupBy is null ? "NULL" : "json_extract(Tags, $group)";

        var sql = new StringBuilder($"""
            SELECT {bucket} AS Bucket, {group} AS GroupValue, {aggregate} AS Value
            FROM MetricPoints
            WHERE Measurement = $measurement AND Time >= $from AND Time < $to
            """);
        var i = 0;
        foreach (var (key, tagValue) in query.Where)
        {
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $" AND json_extract(Tags, $whereKey{i}) = $whereValue{i}");
            command.Parameters.AddWithValue($"$whereKey{i}", "$." + key);
            command.Parameters.AddWithValue($"$whereValue{i}", tagValue);
            i++;
        }

        sql.Append($" GROUP BY Bucket, GroupValue HAVING COUNT({value}) > 0");
        command.CommandText = sql.ToString();
        command.Parameters.AddWithValue("$measurement", query.Measurement);
        command.Parameters.AddWithValue("$field", "$." + query.Field);
        command.Parameters.AddWithValue("$from", query.FromUtc.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$to", query.ToUtc.ToUnixTimeMilliseconds());
        if (query.BucketMilliseconds is { } bucketMs)
        {
            command.Parameters.AddWithValue("$bucket", bucketMs);
        }

        if (query.GroupBy is not null)
        {
            command.Parameters.AddWithValue("$group", "$." + query.GroupBy);
        }
    }
}
