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
/// series: the point's millisecond plus, in the nanoseconds below it, the outbox's writer number (0–99) times 10,000
/// and the row's outbox id modulo 10,000. A batch sent again — after a timeout whose write had in fact succeeded, or a
/// crash between the 2xx and the outbox delete — carries the same ids and so rewrites the same points with the same
/// values: no duplicate. Servers sharing a store each have their own outbox with ids from 1; their writer numbers,
/// taken from the store (<see cref="OutboxWriter"/>), keep two servers' points of one series and millisecond apart.
/// Two rows of one outbox collide only if they share a series and a millisecond and 10,000 other rows came between
/// them (ids only grow: AUTOINCREMENT never reuses one); two live outboxes never hold one writer number.
/// </para>
/// <para>
/// Not an <c>id</c> or server tag: every point, or every server, would become its own series, and series cardinality
/// is what InfluxDB's index pays for (and a gauge written by whichever server ran the job would split). Not an extra
/// field: fields are not part of the identity. The sub-millisecond digits are invisible to every query here (ranges
/// and buckets are whole milliseconds).
/// </para>
/// </remarks>
internal static class InfluxLines
{
    /// <summary>Writer numbers: at most this many outboxes write at once.</summary>
    public const int Writers = 100;

    private const long NanosecondsPerMillisecond = 1_000_000;
    private const long IdsPerWriter = NanosecondsPerMillisecond / Writers;

    public static long IdentityTimestamp(long outboxId, int writer, DateTimeOffset timestamp) =>
        (timestamp.ToUnixTimeMilliseconds() * NanosecondsPerMillisecond) + (writer * IdsPerWriter) + (outboxId % IdsPerWriter);

    public static string ToLine(long outboxId, int writer, MetricPoint point)
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

        return data.Timestamp(IdentityTimestamp(outboxId, writer, point.Timestamp), WritePrecision.Ns).ToLineProtocol();
    }
}
