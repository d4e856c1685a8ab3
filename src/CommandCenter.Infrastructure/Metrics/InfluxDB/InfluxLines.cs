using CommandCenter.Core.Metrics;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;

namespace CommandCenter.Infrastructure.Metrics.InfluxDB;

/// <summary>
/// Outbox rows as line protocol, built with InfluxDB.Client's <see cref="PointData"/> (its escaping, not ours).
/// </summary>
/// <remarks>
/// <para>
/// Exactly once: InfluxDB identifies a point by measurement + tag set + timestamp, and a second write of the same
/// identity replaces the first instead of adding to it. Each row's timestamp is therefore made unique within its
/// series: the point's millisecond plus, in the nanoseconds below it, the row's outbox id modulo 1,000,000. A batch
/// sent again — after a timeout whose write had in fact succeeded, or a crash between the 2xx and the outbox delete —
/// carries the same ids and so rewrites the same points with the same values: no duplicate. Two different rows
/// collide only if they share a series and a millisecond and their ids differ by a multiple of a million (ids only
/// grow, AUTOINCREMENT never reuses one): not for live points, and for back-dated ones only after a million other
/// points in between.
/// </para>
/// <para>
/// Not an <c>id</c> tag: every point would become its own series, and series cardinality is what InfluxDB's index
/// pays for. Not an extra field: fields are not part of the identity. The sub-millisecond digits are invisible to
/// every query here (ranges and buckets are whole milliseconds).
/// </para>
/// </remarks>
internal static class InfluxLines
{
    private const long NanosecondsPerMillisecond = 1_000_000;

    public static long IdentityTimestamp(long outboxId, DateTimeOffset timestamp) =>
        (timestamp.ToUnixTimeMilliseconds() * NanosecondsPerMillisecond) + (outboxId % NanosecondsPerMillisecond);

    public static string ToLine(long outboxId, MetricPoint point)
    {
        var data = PointData.Measurement(point.Measurement);
        foreach (var (key, value) in point.Tags)
        {
            data = data.Tag(key, InfluxTagCodec.Encode(value));
        }

        foreach (var (name, value) in point.Fields)
        {
            data = data.Field(name, value);
        }

        return data.Timestamp(IdentityTimestamp(outboxId, point.Timestamp), WritePrecision.Ns).ToLineProtocol();
    }
}
