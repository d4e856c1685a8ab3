using System.Data.Common;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Audit;

/// <summary>
/// Chains the entries a store held before its trail was chained, once: at the first start-up after the upgrade, in
/// one write transaction, in the order they were written, and records it (an <see cref="AuditCheck"/> of kind
/// <see cref="AuditCheckKind.Sealing"/> saying how many and up to which entry). Never again after that: an entry found
/// unsealed later was written around the store and verification reports it, rather than a restart sealing it in.
/// </summary>
internal static class AuditSealing
{
    private const int PageSize = 5_000;

    public static async Task SealOnceAsync(IDbContextFactory<CommandCenterDbContext> contexts, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.AuditChecks.AnyAsync(c => c.Kind == AuditCheckKind.Sealing, ct))
        {
            return;
        }

        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        if (await db.AuditChecks.AnyAsync(c => c.Kind == AuditCheckKind.Sealing, ct))
        {
            return; // another server sealed them meanwhile
        }

        var started = time.GetUtcNow();
        var (sealedCount, after) = (0L, 0L);
        using var update = HashUpdate(db);
        while (true)
        {
            var page = await db.AuditEntries.AsNoTracking().Where(e => e.Hash == null && e.Id > after).OrderBy(e => e.Id).Take(PageSize).ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }

            // The heads are the entries below this page, sealed by the pages before it in this transaction.
            await AuditChains.SealAsync(db, page, ct, before: page[0].Id);
            foreach (var entry in page)
            {
                update.Parameters[0].Value = entry.Hash;
                update.Parameters[1].Value = entry.Id;
                await update.ExecuteNonQueryAsync(ct);
            }

            (sealedCount, after) = (sealedCount + page.Count, page[^1].Id);
        }

        db.AuditChecks.Add(new AuditCheck
        {
            Kind = AuditCheckKind.Sealing,
            Via = AuditCheckVia.StartUp,
            By = "start-up",
            StartedAt = started,
            FinishedAt = time.GetUtcNow(),
            Entries = sealedCount,
            LastEntryId = sealedCount == 0 ? null : after,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (sealedCount > 0)
        {
            logger.LogWarning("Audit trail chained: {Count} entries written before the chain (up to entry {LastEntryId}) sealed as they stood", sealedCount, after);
        }
    }

    /// <summary>Sets one entry's hash, only while it has none; names from the EF model.</summary>
    private static DbCommand HashUpdate(CommandCenterDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(AuditEntry))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var hash = entity.FindProperty(nameof(AuditEntry.Hash))!;
        var id = entity.FindProperty(nameof(AuditEntry.Id))!;
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {sql.DelimitIdentifier(hash.GetColumnName(table)!)} = @hash "
            + $"WHERE {sql.DelimitIdentifier(id.GetColumnName(table)!)} = @id AND {sql.DelimitIdentifier(hash.GetColumnName(table)!)} IS NULL";
        command.Parameters.Add(hash.GetRelationalTypeMapping().CreateParameter(command, "@hash", null, nullable: true));
        command.Parameters.Add(id.GetRelationalTypeMapping().CreateParameter(command, "@id", 0L, nullable: false));
        return command;
    }
}
