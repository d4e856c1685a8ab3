using System.Text.Json;
using CommandCenter.Core.Metrics;
using InfluxDB.Client;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Metrics.InfluxDB;

/// <summary>
/// Answers <see cref="MetricQuery"/> questions with InfluxQL on <c>/query</c>, and pings with InfluxDB.Client's
/// <see cref="InfluxDBClient.PingAsync"/> (it serves 1.x's <c>/ping</c>, which needs no credentials).
/// </summary>
public sealed class InfluxMetricReader : IMetricReader, IDisposable
{
    private readonly InfluxHttp _influx;
    private readonly InfluxDBClient _client;

    public InfluxMetricReader(InfluxHttp influx, IOptions<MetricsOptions> options)
    {
        _influx = influx;
        var settings = options.Value.InfluxDB;

        // URL (and token) only: with a user name the client would sign in through /api/v2, which 1.x does not have.
        var client = new InfluxDBClientOptions(settings.Url) { Timeout = settings.Timeout };
        if (!string.IsNullOrEmpty(settings.Token))
        {
            client.Token = settings.Token;
        }

        _client = new InfluxDBClient(client);
    }

    public async Task<IReadOnlyList<MetricValue>> QueryAsync(MetricQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.EnsureValid();
        var influxql = InfluxQueryTranslator.Translate(query);
        try
        {
            using var document = await _influx.QueryAsync(influxql, ct);
            return MetricResults.Ordered(Read(document, query));
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException
            || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new MetricStoreException($"{_influx.Describe()} could not answer: {ex.Message}", ex);
        }
    }

    public Task<bool> PingAsync(CancellationToken ct = default) => _client.PingAsync().WaitAsync(ct);

    public void Dispose() => _client.Dispose();

    /// <summary>One value per row of every series; the group is the series' tag (absent or empty: no group).</summary>
    private static IEnumerable<MetricValue> Read(JsonDocument document, MetricQuery query)
    {
        var result = document.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var series))
        {
            yield break; // nothing in range
        }

        foreach (var one in series.EnumerateArray())
        {
            string? group = null;
            if (query.GroupBy is not null && one.TryGetProperty("tags", out var tags)
                && tags.TryGetProperty(query.GroupBy, out var tag) && tag.GetString() is { Length: > 0 } value)
            {
                group = InfluxTagCodec.Decode(value);
            }

            var columns = one.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList();
            var timeColumn = columns.IndexOf("time");
            var valueColumn = columns.IndexOf(InfluxQueryTranslator.ValueColumn);
            foreach (var row in one.GetProperty("values").EnumerateArray())
            {
                if (row[valueColumn].ValueKind != JsonValueKind.Number)
                {
                    continue; // null: no value in this bucket
                }

                var time = query.BucketMilliseconds is null ? query.FromUtc : DateTimeOffset.FromUnixTimeMilliseconds(row[timeColumn].GetInt64());
                yield return new MetricValue(time, group, row[valueColumn].GetDouble());
            }
        }
    }
}
