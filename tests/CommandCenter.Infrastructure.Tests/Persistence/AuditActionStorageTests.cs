using CommandCenter.Core.Audit;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// The audit trail's action column holds the action's name as text: entries written before the enum existed read
/// back as the same action, and new ones store the text they always did.
/// </summary>
public sealed class AuditActionStorageTests
{
    [Fact]
    public async Task Action_EveryOne_IsStoredAsItsName()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using (var db = host.NewDbContext())
        {
            db.AuditEntries.RemoveRange(db.AuditEntries);
            db.AuditEntries.AddRange(Enum.GetValues<AuditAction>().Select(action => Entry(action)));
            await db.SaveChangesAsync();
        }

        await using var check = host.NewDbContext();
        var stored = await check.Database.SqlQueryRaw<string>("SELECT \"Action\" AS \"Value\" FROM \"AuditEntries\"").ToListAsync();
        Assert.Equal(Enum.GetNames<AuditAction>().Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Action_WrittenAsTextBefore_ReadsBackAndMatchesQueries()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using var db = host.NewDbContext();
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"AuditEntries\" (\"Subject\", \"SubjectId\", \"Action\", \"Actor\", \"At\") VALUES ('Grid', 'old-grid', 'TurnedSilent', 'silent-grid-job', 0)");

        var entry = await db.AuditEntries.SingleAsync(e => e.SubjectId == "old-grid" && e.Action == AuditAction.TurnedSilent);

        Assert.Equal(AuditAction.TurnedSilent, entry.Action);
    }

    private static AuditEntry Entry(AuditAction action) => new()
    {
        Subject = AuditSubject.Alert,
        SubjectId = action.ToString(),
        Action = action,
        Actor = "test",
        At = StoreHost.Start,
    };
}
