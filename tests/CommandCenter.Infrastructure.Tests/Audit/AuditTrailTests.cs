using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Audit;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Tests.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Infrastructure.Tests.Audit;

/// <summary>
/// The tamper-evident audit trail on a real store: every way an entry is written links it to its subject's trail,
/// and verification names exactly the entry an edit or a removal broke, including a removed last entry (the alert
/// no longer matches its trail's end). Rows are changed with plain SQL, as someone with the database file would.
/// </summary>
public sealed class AuditTrailTests
{
    [Fact]
    public async Task VerifyAsync_StoreWorkedThroughItsServices_IsIntactAndStored()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await WorkedAlertAsync(host);

        var check = await Verifier(host).VerifyAsync(AuditCheckVia.CommandLine, "command-line");

        Assert.NotNull(check);
        Assert.True(check.Intact, check.Problem);
        await using var db = host.NewDbContext();
        Assert.Equal(await db.AuditEntries.LongCountAsync(), check.Entries);
        Assert.Equal(await db.AuditEntries.Select(e => new { e.Subject, e.SubjectId }).Distinct().LongCountAsync(), check.Trails);
        var (latest, _) = await host.Get<AuditTrailVerifier>().LatestAsync();
        Assert.Equal((check.Id, AuditCheckVia.CommandLine, "command-line", 0L), (latest!.Id, latest.Via, latest.By, latest.Problems));
    }

    [Fact]
    public async Task WorkflowActions_EachEntryLinksToTheOneBeforeIt()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await WorkedAlertAsync(host);

        await using var db = host.NewDbContext();
        var trail = await TrailAsync(db, AuditSubject.Alert, alertId.ToString());
        Assert.Equal([AuditAction.Raised, AuditAction.Acknowledge, AuditAction.Dispatch], trail.Select(e => e.Action));
        AssertLinked(trail);
        Assert.Equal([1L, 2L, 3L], trail.Select(e => e.SubjectVersion!.Value));
    }

    [Fact]
    public async Task SaveChanges_SeveralEntriesOfOneSubjectAmongOthers_LinkInTheOrderTheyWereAdded()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await using (var db = host.NewDbContext())
        {
            for (var i = 0; i < 3; i++)
            {
                db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.Team, "T-1", AuditAction.TeamChanged, Actors.Dispatcher, host.Now(), $"step {i}"));
                db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.Team, $"T-other-{i}", AuditAction.TeamCreated, Actors.Dispatcher, host.Now()));
            }

            await db.SaveChangesAsync();
        }

        await using var check = host.NewDbContext();
        var trail = await TrailAsync(check, AuditSubject.Team, "T-1");
        Assert.Equal(["step 0", "step 1", "step 2"], trail.Select(e => e.Comment));
        AssertLinked(trail);
        Assert.True((await Verifier(host).VerifyAsync(AuditCheckVia.Page, "admin"))!.Intact);
    }

    [Fact]
    public async Task SaveChanges_InTheCallersTransaction_ChainsOnTopOfWhatItWroteBefore()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await using (var db = host.NewDbContext())
        {
            await using var transaction = await db.BeginWriteTransactionAsync(CancellationToken.None);
            db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.User, "chief", AuditAction.UserCreated, Actors.Dispatcher, host.Now()));
            await db.SaveChangesAsync();
            db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.User, "chief", AuditAction.UserChanged, Actors.Dispatcher, host.Now()));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await using var check = host.NewDbContext();
        AssertLinked(await TrailAsync(check, AuditSubject.User, "chief"));
    }

    [Fact]
    public async Task PreparedInsert_AnUnsealedEntry_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using var db = host.NewDbContext();
        await using var transaction = await db.BeginWriteTransactionAsync(CancellationToken.None);
        using var insert = PreparedWrite<AuditEntry>.Insert(db);

        var refused = Assert.Throws<InvalidOperationException>(() => insert.Insert(AuditEntry.ForAdmin(AuditSubject.User, "x", AuditAction.UserCreated, Actors.Dispatcher, host.Now())));

        Assert.Contains("sealed", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Comment", "'已核实（改）'")]
    [InlineData("Actor", "'someone else'")]
    [InlineData("At", "1796000000000")]
    public async Task VerifyAsync_OneRowEditedInTheDatabase_NamesExactlyThatEntry(string column, string value)
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await WorkedAlertAsync(host);
        await WorkedAlertAsync(host, "ext-2", Staff.DemoGrid(3));
        var edited = (await EntriesOfAsync(host, alertId))[1];

        await SqlAsync(host, $"UPDATE \"AuditEntries\" SET \"{column}\" = {value} WHERE \"Id\" = {edited}");
        var check = await Verifier(host).VerifyAsync(AuditCheckVia.CommandLine, "command-line");

        Assert.Equal((1L, edited), (check!.Problems, check.FirstBrokenEntryId));
        Assert.StartsWith($"entry {edited} (Alert {alertId}, Acknowledge", check.Problem, StringComparison.Ordinal);
        Assert.Contains("does not match its hash", check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_AnEntryDeletedFromTheMiddle_NamesTheEntryAfterIt()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await WorkedAlertAsync(host);
        var entries = await EntriesOfAsync(host, alertId);

        await SqlAsync(host, $"DELETE FROM \"AuditEntries\" WHERE \"Id\" = {entries[1]}");
        var check = await Verifier(host).VerifyAsync(AuditCheckVia.CommandLine, "command-line");

        Assert.Equal((1L, entries[2]), (check!.Problems, check.FirstBrokenEntryId));
        Assert.Contains($"removed", check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_TheLastEntryOfAnAlertDeleted_IsCaughtByTheAlertsVersion()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await WorkedAlertAsync(host);
        var entries = await EntriesOfAsync(host, alertId);

        await SqlAsync(host, $"DELETE FROM \"AuditEntries\" WHERE \"Id\" = {entries[^1]}");
        var check = await Verifier(host).VerifyAsync(AuditCheckVia.CommandLine, "command-line");

        Assert.Equal((1L, entries[^2]), (check!.Problems, check.FirstBrokenEntryId));
        Assert.Equal(
            $"alert {alertId} is at version 3 (Dispatched) but its trail ends at entry {entries[^2]} (version 2, Acknowledged): entries after it are missing",
            check.Problem);
    }

    [Fact]
    public async Task VerifyAsync_EveryEntryOfAnAlertDeleted_NamesTheAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await WorkedAlertAsync(host);

        await SqlAsync(host, $"DELETE FROM \"AuditEntries\" WHERE \"Subject\" = 'Alert' AND \"SubjectId\" = '{alertId}'");
        var check = await Verifier(host).VerifyAsync(AuditCheckVia.CommandLine, "command-line");

        Assert.Equal((1L, (long?)long.MaxValue), (check!.Problems, check.FirstBrokenEntryId));
        Assert.Equal($"alert {alertId} has no audit trail: every entry about it was removed", check.Problem);
    }

    [Fact]
    public async Task VerifyAsync_AnEntryInsertedAroundTheStore_IsReportedUnsealed()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await WorkedAlertAsync(host);

        await SqlAsync(host, "INSERT INTO \"AuditEntries\" (\"Subject\", \"SubjectId\", \"Action\", \"Actor\", \"At\") VALUES ('User', 'ghost', 'UserCreated', 'nobody', 1796000000000)");
        var check = await Verifier(host).VerifyAsync(AuditCheckVia.CommandLine, "command-line");

        await using var db = host.NewDbContext();
        var ghost = await db.AuditEntries.Where(e => e.SubjectId == "ghost").Select(e => e.Id).SingleAsync();
        Assert.Equal((1L, ghost), (check!.Problems, check.FirstBrokenEntryId));
        Assert.Contains("is not sealed", check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_TwoEdits_NamesTheLowerEntryAndCountsBoth()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var first = await EntriesOfAsync(host, await WorkedAlertAsync(host));
        var second = await EntriesOfAsync(host, await WorkedAlertAsync(host, "ext-2", Staff.DemoGrid(3)));

        await SqlAsync(host, $"UPDATE \"AuditEntries\" SET \"Comment\" = 'x' WHERE \"Id\" IN ({second[0]}, {first[2]})");
        var check = await Verifier(host).VerifyAsync(AuditCheckVia.CommandLine, "command-line");

        Assert.Equal((2L, Math.Min(second[0], first[2])), (check!.Problems, check.FirstBrokenEntryId));
    }

    [Fact]
    public async Task SealOnce_EntriesWrittenBeforeTheChain_AreSealedInOrderAndRecorded_OnlyOnce()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await WorkedAlertAsync(host);
        await SqlAsync(host, "UPDATE \"AuditEntries\" SET \"Hash\" = NULL");
        await SqlAsync(host, "DELETE FROM \"AuditChecks\"");
        var contexts = host.Get<IDbContextFactory<CommandCenterDbContext>>();
        await using (var db = host.NewDbContext())
        {
            Assert.False(await db.AuditEntries.AnyAsync(e => e.Hash != null));
        }

        await AuditSealing.SealOnceAsync(contexts, host.Time, NullLogger.Instance, CancellationToken.None);
        await SqlAsync(host, "INSERT INTO \"AuditEntries\" (\"Subject\", \"SubjectId\", \"Action\", \"Actor\", \"At\") VALUES ('User', 'ghost', 'UserCreated', 'nobody', 1796000000000)");
        await AuditSealing.SealOnceAsync(contexts, host.Time, NullLogger.Instance, CancellationToken.None);

        await using var check = host.NewDbContext();
        var sealing = await check.AuditChecks.SingleAsync();
        var all = await check.AuditEntries.Where(e => e.SubjectId != "ghost").CountAsync();
        Assert.Equal((AuditCheckKind.Sealing, (long)all), (sealing.Kind, sealing.Entries));
        AssertLinked(await TrailAsync(check, AuditSubject.Alert, alertId.ToString()));
        var verified = await Verifier(host).VerifyAsync(AuditCheckVia.CommandLine, "command-line");
        Assert.Equal(1L, verified!.Problems); // the entry written after the sealing stays unsealed, and is reported
        Assert.Contains("ghost", verified.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_WhileOneIsRunning_StartsNoOtherAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var verifier = Verifier(host);
        await using var db = host.NewDbContext();
        await using (var held = await db.BeginWriteTransactionAsync(CancellationToken.None))
        {
            // The first run blocks storing its result behind this write lock; the second finds it running.
            var first = Task.Run(() => verifier.VerifyAsync(AuditCheckVia.Page, "admin"));
            Assert.True(SpinWait.SpinUntil(() => verifier.IsRunning, TimeSpan.FromSeconds(10)));
            var second = await verifier.VerifyAsync(AuditCheckVia.Page, "admin-2");
            Assert.Null(second);
            await held.CommitAsync();
            Assert.NotNull(await first);
        }

        Assert.Equal(["admin"], await db.AuditChecks.Where(c => c.Kind == AuditCheckKind.Verification).Select(c => c.By).ToListAsync());
    }

    /// <summary>A verifier on the host's store reading two entries a page, so every test crosses pages and trails.</summary>
    private static AuditTrailVerifier Verifier(StoreHost host) =>
        new(host.Get<IDbContextFactory<CommandCenterDbContext>>(), host.Time, NullLogger<AuditTrailVerifier>.Instance) { PageSize = 2 };

    /// <summary>An alert raised through ingestion, acknowledged and dispatched through the workflow: three entries.</summary>
    private static async Task<Guid> WorkedAlertAsync(StoreHost host, string externalId = "ext-1", string? grid = null)
    {
        var alertId = await host.RaiseAsync(grid, externalId);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff, "已核实");
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.ApplyAsync(alertId, AlertAction.Dispatch, Staff.TownStaff);
        return alertId;
    }

    private static async Task<List<long>> EntriesOfAsync(StoreHost host, Guid alertId)
    {
        await using var db = host.NewDbContext();
        return await db.AuditEntries.Where(e => e.Subject == AuditSubject.Alert && e.SubjectId == alertId.ToString()).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync();
    }

    private static Task<List<AuditEntry>> TrailAsync(CommandCenterDbContext db, AuditSubject subject, string subjectId) =>
        db.AuditEntries.AsNoTracking().Where(e => e.Subject == subject && e.SubjectId == subjectId).OrderBy(e => e.Id).ToListAsync();

    /// <summary>Each entry's stored hash is its content after the entry before it (the first after none).</summary>
    internal static void AssertLinked(IReadOnlyList<AuditEntry> trail)
    {
        Assert.NotEmpty(trail);
        byte[]? previous = null;
        foreach (var entry in trail)
        {
            Assert.True(AuditChain.Holds(entry, previous), $"entry {entry.Id} ({entry.Action}) does not link to the one before it");
            previous = entry.Hash;
        }
    }

    private static async Task SqlAsync(StoreHost host, string sql)
    {
        await using var db = host.NewDbContext();
        await db.Database.ExecuteSqlRawAsync(sql);
    }
}
