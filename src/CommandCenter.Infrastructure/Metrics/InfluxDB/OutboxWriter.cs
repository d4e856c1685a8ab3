using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Metrics.InfluxDB;

/// <summary>A metric outbox the store has numbered: it holds its writer number (see <see cref="InfluxLines"/>) while it is heard from.</summary>
public sealed class OutboxRegistration
{
    public int Id { get; set; }

    /// <summary>The data directory the outbox lives in, for an operator reading the table.</summary>
    public required string DataDir { get; init; }

    public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>The writer number (0–99) this registration holds.</summary>
    public int Writer { get; init; }

    /// <summary>When the outbox last confirmed it still holds <see cref="Writer"/>.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>When a new outbox took the number over after the lease lapsed; a retired registration holds nothing.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}

/// <summary>
/// This outbox's writer number. Servers sharing a store each have their own outbox, whose row ids start at 1 on every
/// server; the number keeps their points apart in InfluxDB. An outbox registers with the store for the lowest number
/// no live outbox holds, keeps it in <c>metrics.db</c> (processes sharing the data directory share it) and confirms it
/// at most once a minute before sending; a registration silent for <see cref="InfluxDbOptions.WriterLease"/> is
/// retired and its number reused, and an outbox that finds itself retired registers again before it sends. So two
/// live servers never share a number, however many have come and gone.
/// </summary>
public sealed class OutboxWriter(
    MetricsDatabase database,
    IDbContextFactory<CommandCenterDbContext> contexts,
    IOptions<StoreOptions> store,
    IOptions<MetricsOptions> metrics,
    TimeProvider time)
{
    /// <summary>How often the number is confirmed with the store: far within the lease, rare enough to cost nothing.</summary>
    public static readonly TimeSpan ConfirmEvery = TimeSpan.FromMinutes(1);

    private KeptWriter? _held;
    private DateTimeOffset _confirmedAt;

    public async Task<int> NumberAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_held is { } held && now - _confirmedAt < ConfirmEvery)
        {
            return held.Number;
        }

        var kept = database.KeptWriter();
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (kept is not null && await ConfirmAsync(db, kept, now, ct) is { } confirmed)
        {
            return Hold(confirmed, now);
        }

        var registration = await RegisterAsync(db, now, ct);
        var keeping = database.KeepWriter(new KeptWriter(registration.Writer, registration.Id), kept);
        if (keeping.Registration != registration.Id)
        {
            // Another process on this data directory registered first: use its number, free ours at once.
            await db.MetricOutboxes.Where(o => o.Id == registration.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(o => o.RetiredAt, now), ct);
        }

        return Hold(keeping, now);
    }

    private int Hold(KeptWriter writer, DateTimeOffset now)
    {
        _held = writer;
        _confirmedAt = now;
        return writer.Number;
    }

    /// <summary>
    /// Renews the registration behind <paramref name="kept"/>; null when it was retired (the number is someone
    /// else's now). A file from before leases names no registration: its own row is found by number and directory.
    /// </summary>
    private async Task<KeptWriter?> ConfirmAsync(CommandCenterDbContext db, KeptWriter kept, DateTimeOffset now, CancellationToken ct)
    {
        var registration = kept.Registration ?? await db.MetricOutboxes
            .Where(o => o.DataDir == store.Value.DataDir && o.Writer == kept.Number && o.RetiredAt == null)
            .OrderByDescending(o => o.Id).Select(o => (int?)o.Id).FirstOrDefaultAsync(ct);
        if (registration is null)
        {
            return null;
        }

        var renewed = await db.MetricOutboxes.Where(o => o.Id == registration && o.RetiredAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.LastSeenAt, now), ct);
        return renewed == 1 ? database.KeepWriter(kept with { Registration = registration }, kept) : null;
    }

    /// <summary>Registers for the lowest number no live outbox holds, retiring the lapsed ones, under the store's write lock.</summary>
    private async Task<OutboxRegistration> RegisterAsync(CommandCenterDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        var lapsedBefore = now - metrics.Value.InfluxDB.WriterLease;
        await db.MetricOutboxes.Where(o => o.RetiredAt == null && o.LastSeenAt < lapsedBefore)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.RetiredAt, now), ct);
        var held = (await db.MetricOutboxes.Where(o => o.RetiredAt == null).Select(o => o.Writer).ToListAsync(ct)).ToHashSet();
        var free = Enumerable.Range(0, InfluxLines.Writers).Where(n => !held.Contains(n)).Cast<int?>().FirstOrDefault()
            ?? throw new InvalidOperationException(
                $"All {InfluxLines.Writers} metric writer numbers are held by outboxes heard from within Metrics:InfluxDB:WriterLease ({metrics.Value.InfluxDB.WriterLease}).");
        var registration = new OutboxRegistration { DataDir = store.Value.DataDir, RegisteredAt = now, Writer = free, LastSeenAt = now };
        db.MetricOutboxes.Add(registration);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return registration;
    }
}
