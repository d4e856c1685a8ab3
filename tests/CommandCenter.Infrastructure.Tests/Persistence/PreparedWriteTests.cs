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
