using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Metrics.InfluxDB;

/// <summary>A metric outbox the store has numbered: the row's id gives the outbox its writer number (see <see cref="InfluxLines"/>).</summary>
public sealed class OutboxRegistration
{
    public int Id { get; set; }

    /// <summary>The data directory the outbox lives in, for an operator reading the table.</summary>
    public required string DataDir { get; init; }

    public DateTimeOffset RegisteredAt { get; init; }
}

/// <summary>
/// This outbox's writer number. Servers sharing a store each have their own outbox, whose row ids start at 1 on every
/// server; the number keeps their points apart in InfluxDB. Taken from the store the first time the outbox sends (one
/// registration row) and kept in <c>metrics.db</c>, so it survives restarts and processes sharing the data directory
/// share it.
/// </summary>
public sealed class OutboxWriter(MetricsDatabase database, IDbContextFactory<CommandCenterDbContext> contexts, IOptions<StoreOptions> store, TimeProvider time)
{
    private int? _number;

    public async Task<int> NumberAsync(CancellationToken ct)
    {
        if (_number is { } known)
        {
            return known;
        }

        var kept = database.KeptWriterNumber();
        if (kept is null)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var registration = new OutboxRegistration { DataDir = store.Value.DataDir, RegisteredAt = time.GetUtcNow() };
            db.MetricOutboxes.Add(registration);
            await db.SaveChangesAsync(ct);
            kept = database.KeepWriterNumber(InfluxLines.WriterOf(registration.Id)); // another process on this directory may have been first
        }

        _number = kept;
        return kept.Value;
    }
}
