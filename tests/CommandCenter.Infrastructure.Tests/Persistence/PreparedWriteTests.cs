using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// <see cref="PreparedWrite{T}"/> writes rows without <c>SaveChanges</c>: what it stores must read back through EF
/// exactly as written (the model's conversions applied), and an update must not land once the row's concurrency
/// token has moved on.
/// </summary>
public sealed class PreparedWriteTests
{
    [Fact]
    public async Task Insert_EveryColumn_ReadsBackThroughTheModelUnchanged()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var written = new AuditEntry
        {
            Subject = AuditSubject.Alert,
            SubjectId = Guid.NewGuid().ToString(),
            Action = AuditAction.Escalated,
            Actor = "escalation-job",
            Seat = null,
            At = StoreHost.Start.AddMilliseconds(123),
            FromState = "Reported",
            ToState = "Reported",
            Comment = "超时升级",
            Deadline = StoreHost.Start.AddMinutes(-30),
            PolicyVersion = 1,
            SubjectVersion = 2,
        };
        written.SealAfter(null); // a prepared insert takes sealed entries only

        await using (var db = host.NewDbContext())
        {
            await using var transaction = await db.BeginWriteTransactionAsync(CancellationToken.None);
            using var insert = PreparedWrite<AuditEntry>.Insert(db);
            insert.Insert(written);
            await transaction.CommitAsync();
        }

        await using var check = host.NewDbContext();
        var read = await check.AuditEntries.SingleAsync(e => e.SubjectId == written.SubjectId);
        Assert.True(read.Id > 0);
        Assert.Equivalent(
            new { written.Subject, written.SubjectId, written.Action, written.Actor, written.Seat, written.At, written.FromState, written.ToState, written.Comment, written.Deadline, written.PolicyVersion, written.SubjectVersion, written.Hash },
            read);
    }

    [Fact]
    public async Task Insert_ClientGeneratedGuidKey_IsWrittenAsTheRowsOwn()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var reference = host.Get<ReferenceData>();
        var alert = OverdueAlerts.Replay(reference, DemoCity.GridCode(0, 0, 1), rungs: 1, TimeSpan.FromMinutes(5), host.Time.GetUtcNow());

        await using (var db = host.NewDbContext())
        {
            await using var transaction = await db.BeginWriteTransactionAsync(CancellationToken.None);
            using var insert = PreparedWrite<Alert>.Insert(db);
            insert.Insert(alert);
            await transaction.CommitAsync();
        }

        await using var check = host.NewDbContext();
        var read = await check.Alerts.AsNoTracking().SingleAsync();
        Assert.Equal((alert.Id, alert.GridCode, alert.EscalationLevel, alert.StageDeadline, alert.Version), (read.Id, read.GridCode, read.EscalationLevel, read.StageDeadline, read.Version));
    }

    /// <summary>
    /// More rows than one round trip carries (on PostgreSQL a batch holds 1,000): all written, in list order (ids rise
    /// with it, which audit trails rely on), each with its own values.
    /// </summary>
    [Fact]
    public async Task InsertAll_MoreRowsThanOneRoundTrip_WritesEveryRowInOrder()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var subject = Guid.NewGuid().ToString();
        var entries = Enumerable.Range(0, 2_345).Select(i => Entry(subject, $"第 {i} 条", StoreHost.Start.AddSeconds(i))).ToList();

        await using (var db = host.NewDbContext())
        {
            await using var transaction = await db.BeginWriteTransactionAsync(CancellationToken.None);
            await PreparedWrite<AuditEntry>.InsertAllAsync(db, entries, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var check = host.NewDbContext();
        var read = await check.AuditEntries.AsNoTracking().Where(e => e.SubjectId == subject).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(entries.Select(e => (e.Comment, e.At, e.Hash)), read.Select(e => (e.Comment, e.At, e.Hash)));
    }

    /// <summary>A row the store refuses fails the call as <c>SaveChanges</c> would, and the caller's rollback leaves nothing of it.</summary>
    [Fact]
    public async Task InsertAll_ARowRefused_FailsAsAnUpdateErrorAndLeavesNothingAfterRollback()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var reference = host.Get<ReferenceData>();
        var alert = OverdueAlerts.Replay(reference, DemoCity.GridCode(0, 0, 1), rungs: 0, TimeSpan.FromMinutes(5), host.Time.GetUtcNow());

        await using (var db = host.NewDbContext())
        {
            await using var transaction = await db.BeginWriteTransactionAsync(CancellationToken.None);
            await Assert.ThrowsAsync<DbUpdateException>(() => PreparedWrite<Alert>.InsertAllAsync(db, [alert, alert], CancellationToken.None));
            await transaction.RollbackAsync();
        }

        await using var check = host.NewDbContext();
        Assert.Equal(0, await check.Alerts.CountAsync());
    }

    private static AuditEntry Entry(string subject, string comment, DateTimeOffset at)
    {
        var entry = new AuditEntry { Subject = AuditSubject.Alert, SubjectId = subject, Action = AuditAction.Escalated, Actor = "escalation-job", At = at, Comment = comment };
        entry.SealAfter(null);
        return entry;
    }

    [Fact]
    public async Task TryUpdate_TokenMovedOnSinceRead_WritesNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var reference = host.Get<ReferenceData>();
        var alert = OverdueAlerts.Replay(reference, DemoCity.GridCode(0, 0, 1), rungs: 0, TimeSpan.FromMinutes(5), host.Time.GetUtcNow());
        await using (var seed = host.NewDbContext())
        {
            seed.Alerts.Add(alert);
            await seed.SaveChangesAsync();
        }

        await using var db = host.NewDbContext();
        await using var transaction = await db.BeginWriteTransactionAsync(CancellationToken.None);
        var read = await db.Alerts.AsNoTracking().SingleAsync();
        var staleVersion = read.Version - 1;
        read.EscalateIfOverdue(host.Time.GetUtcNow(), reference.CurrentPolicy.Ladder.Count - 1);
        using var update = PreparedWrite<Alert>.Update(db, [nameof(Alert.EscalationLevel), nameof(Alert.Version)]);

        var written = update.TryUpdate(read, staleVersion);

        Assert.False(written);
        var stored = await db.Alerts.AsNoTracking().SingleAsync();
        Assert.Equal((0, alert.Version), (stored.EscalationLevel, stored.Version));
    }
}
