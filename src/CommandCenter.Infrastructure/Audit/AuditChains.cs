using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Audit;

/// <summary>
/// Links new audit entries to their subjects' trails as the store holds them. Every way an entry is written goes
/// through here: <c>SaveChanges</c> (<see cref="CommandCenterDbContext"/>) and the prepared batches of ingestion and
/// escalation (<see cref="InsertAsync"/>). It reads each trail's head inside the caller's write transaction, so the
/// store's write lock orders the trail and two writers can never link to the same head.
/// </summary>
internal static class AuditChains
{
    /// <summary>Subject ids per head look-up: well under either engine's parameter limit.</summary>
    private const int LookupChunk = 500;

    /// <summary>
    /// Seals <paramref name="entries"/> in list order, which must be the order they are written in (several entries of
    /// one subject link to each other). With <paramref name="before"/>, a head is the latest entry below that id.
    /// </summary>
    public static async Task SealAsync(CommandCenterDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct, long? before = null)
    {
        if (entries.Count == 0)
        {
            return;
        }

        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit entries are sealed inside the write transaction that writes them, or two writers could link to the same head.");
        }

        var heads = new Dictionary<(AuditSubject, string), byte[]?>();
        var bound = before ?? long.MaxValue;
        foreach (var subject in entries.Select(e => (e.Subject, e.SubjectId)).Distinct().GroupBy(k => k.Subject))
        {
            var kind = subject.Key;
            foreach (var chunk in subject.Select(k => k.SubjectId).Chunk(LookupChunk))
            {
                var latest = await db.AuditEntries.AsNoTracking()
                    .Where(e => e.Subject == kind && chunk.Contains(e.SubjectId) && e.Id < bound)
                    .GroupBy(e => e.SubjectId)
                    .Select(g => g.Max(e => e.Id))
                    .ToListAsync(ct);
                if (latest.Count == 0)
                {
                    continue;
                }

                foreach (var head in await db.AuditEntries.AsNoTracking().Where(e => latest.Contains(e.Id)).Select(e => new { e.SubjectId, e.Hash }).ToListAsync(ct))
                {
                    heads[(kind, head.SubjectId)] = head.Hash;
                }
            }
        }

        foreach (var entry in entries)
        {
            var key = (entry.Subject, entry.SubjectId);
            entry.SealAfter(heads.GetValueOrDefault(key));
            heads[key] = entry.Hash;
        }
    }

    /// <summary>Seals <paramref name="entries"/> and inserts them in that order (<see cref="PreparedWrite{T}.InsertAllAsync"/>).</summary>
    public static async Task InsertAsync(CommandCenterDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await SealAsync(db, entries, ct);
        await PreparedWrite<AuditEntry>.InsertAllAsync(db, entries, ct);
    }
}
