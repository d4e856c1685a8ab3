using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>
/// <see cref="EscalationService.EscalateDueAsync"/> on a real store with the seeded policy (a General theft, 0101:
/// 30 min to acknowledge, 60 to dispatch, 24 h to handle, 4 h to verify; ladder grid → community → town → city):
/// one rung per missed deadline, each exactly once — on a second run, after downtime and when two runs race.
/// </summary>
public sealed class EscalationServiceTests
{
    private const int RaceRounds = 5;

    private const int AlertsPerRound = 20;

    /// <summary>How far past a deadline the tests look.</summary>
    private static readonly TimeSpan _late = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task EscalateDueAsync_BeforeTheAcknowledgeDeadline_ChangesNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await host.RaiseAsync();
        host.Time.Advance(host.TheftDeadlines().Acknowledge - TimeSpan.FromSeconds(1));

        var escalated = await host.Get<EscalationService>().EscalateDueAsync();

        Assert.Equal(0, escalated);
        var stored = await StoredAsync(host);
        Assert.Equal((0, false), (stored.EscalationLevel, stored.IsOverdue));
    }

    [Fact]
    public async Task EscalateDueAsync_ExactlyAtTheAcknowledgeDeadline_Escalates()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await host.RaiseAsync();
        host.Time.Advance(host.TheftDeadlines().Acknowledge);

        var escalated = await host.Get<EscalationService>().EscalateDueAsync();

        Assert.Equal(1, escalated);
    }

    [Fact]
    public async Task EscalateDueAsync_PastTheAcknowledgeDeadline_FlagsOverdueAndClimbsToLevelOne()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await host.RaiseAsync();
        host.Time.Advance(host.TheftDeadlines().Acknowledge + _late);

        var escalated = await host.Get<EscalationService>().EscalateDueAsync();

        Assert.Equal(1, escalated);
        var stored = await StoredAsync(host);
        Assert.Equal((1, true, AlertState.Reported), (stored.EscalationLevel, stored.IsOverdue, stored.State));
    }

    [Fact]
    public async Task EscalateDueAsync_PastTheAcknowledgeDeadline_WritesOneEscalatedAuditEntryWithTheDeadline()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        host.Time.Advance(host.TheftDeadlines().Acknowledge + _late);

        await host.Get<EscalationService>().EscalateDueAsync();

        await using var db = host.NewDbContext();
        var audit = await db.AuditEntries.SingleAsync(e => e.Action == AuditAction.Escalated);
        Assert.Equal((alertId.ToString(), "escalation-job", "system"), (audit.SubjectId, audit.Actor, audit.Seat));
        Assert.Equal(("Reported", "Reported"), (audit.FromState, audit.ToState));
        Assert.Equal((host.Now(), (DateTimeOffset?)(StoreHost.Start + host.TheftDeadlines().Acknowledge), (int?)1), (audit.At, audit.Deadline, audit.PolicyVersion));
        Assert.Contains("Community", audit.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EscalateDueAsync_PastTheAcknowledgeDeadline_PublishesOneEscalatedChange()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertId = await host.RaiseAsync();
        host.Time.Advance(host.TheftDeadlines().Acknowledge + _late);

        await host.Get<EscalationService>().EscalateDueAsync();

        var change = Assert.Single(feed.Published.OfType<AlertChanged>(), m => m.Change == AlertChange.Escalated);
        Assert.Equal((alertId, 1, true, AlertState.Reported), (change.AlertId, change.EscalationLevel, change.IsOverdue, change.State));
    }

    [Fact]
    public async Task EscalateDueAsync_SecondRun_ChangesNothing()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        await host.RaiseAsync();
        host.Time.Advance(host.TheftDeadlines().Acknowledge + _late);
        var service = host.Get<EscalationService>();
        await service.EscalateDueAsync();
        host.Time.Advance(TimeSpan.FromMinutes(5));

        var again = await service.EscalateDueAsync();

        Assert.Equal(0, again);
        Assert.Equal(1, (await StoredAsync(host)).EscalationLevel);
        await using var db = host.NewDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.Escalated));
        Assert.Single(feed.Published.OfType<AlertChanged>(), m => m.Change == AlertChange.Escalated);
    }

    [Fact]
    public async Task EscalateDueAsync_AcknowledgedInTime_DoesNotEscalate()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);
        host.Time.Advance(host.TheftDeadlines().Acknowledge);

        var escalated = await host.Get<EscalationService>().EscalateDueAsync();

        Assert.Equal(0, escalated);
        var stored = await StoredAsync(host);
        Assert.Equal((0, false), (stored.EscalationLevel, stored.IsOverdue));
    }

    [Fact]
    public async Task EscalateDueAsync_AcknowledgedLateAndDispatchDeadlineMissedToo_ClimbsToLevelTwo()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        var limits = host.TheftDeadlines();
        var service = host.Get<EscalationService>();
        host.Time.Advance(limits.Acknowledge + _late);
        await service.EscalateDueAsync();
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);
        var acknowledgedAt = host.Now();
        host.Time.Advance(limits.Dispatch + _late);

        await service.EscalateDueAsync();

        var stored = await StoredAsync(host);
        Assert.Equal((2, true), (stored.EscalationLevel, stored.IsOverdue));
        await using var db = host.NewDbContext();
        Assert.Equal(
            [StoreHost.Start + limits.Acknowledge, acknowledgedAt + limits.Dispatch],
            await db.AuditEntries.Where(e => e.Action == AuditAction.Escalated).OrderBy(e => e.Id).Select(e => e.Deadline!.Value).ToListAsync());
    }

    [Fact]
    public async Task EscalateDueAsync_EveryStageDeadlineMissed_NeverClimbsAboveTheCity()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        var levels = new List<int>();

        // Four missed deadlines (acknowledge, dispatch, handle, verify) on a ladder whose top, the city, is rung 3.
        await MissTheStageDeadlineAsync(host, levels);
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);
        await MissTheStageDeadlineAsync(host, levels);
        await host.ApplyAsync(alertId, AlertAction.Dispatch, Staff.TownStaff);
        await MissTheStageDeadlineAsync(host, levels);
        await host.ApplyAsync(alertId, AlertAction.StartHandling, Staff.TownStaff);
        await host.ApplyAsync(alertId, AlertAction.Resolve, Staff.TownStaff, "车辆已找回");
        await MissTheStageDeadlineAsync(host, levels);

        Assert.Equal([1, 2, 3, 3], levels);
    }

    [Fact]
    public async Task EscalateDueAsync_VoidedAlert_IsNotEscalated()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        await host.ApplyAsync(alertId, AlertAction.Void, Staff.CityDutyOfficer, "重复上报");
        host.Time.Advance(TimeSpan.FromDays(2));

        var escalated = await host.Get<EscalationService>().EscalateDueAsync();

        Assert.Equal(0, escalated);
    }

    [Fact]
    public async Task EscalateDueAsync_DeadlinePassedWhileTheServerWasDown_EscalatesOnceAfterTheRestart()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(StoreHost.Start);
        await using (var before = await StoreHost.StartAsync(dir.Path, time))
        {
            await before.RaiseAsync();
        }

        time.Advance(TimeSpan.FromHours(2));
        var feed = new RecordingFeed();
        await using var after = await StoreHost.StartAsync(dir.Path, time, feed);

        var escalated = await after.Get<EscalationService>().EscalateDueAsync();
        var again = await after.Get<EscalationService>().EscalateDueAsync();

        Assert.Equal((1, 0), (escalated, again));
        var stored = await StoredAsync(after);
        Assert.Equal((1, true), (stored.EscalationLevel, stored.IsOverdue));
        Assert.Single(feed.Published.OfType<AlertChanged>(), m => m.Change == AlertChange.Escalated);
    }

    [Fact]
    public async Task EscalateDueAsync_TwoRunsAtOnce_EscalateEachAlertExactlyOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        EscalationService[] services =
        [
            ActivatorUtilities.CreateInstance<EscalationService>(host.Services),
            ActivatorUtilities.CreateInstance<EscalationService>(host.Services),
        ];

        await RaceAsync(host, feed, services);
    }

    [Fact]
    public async Task EscalateDueAsync_TwoServersSharingTheStoreAtOnce_EscalateEachAlertExactlyOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var first = await StoreHost.StartAsync(dir.Path, feed: feed);
        await using var second = await StoreHost.StartAsync(dir.Path, first.Time, feed);

        await RaceAsync(first, feed, [first.Get<EscalationService>(), second.Get<EscalationService>()]);
    }

    /// <summary>
    /// Rounds of 20 alerts (one town per round, so rounds never merge) that all pass their acknowledge deadline, then
    /// both services escalate at once. Each alert must climb exactly one rung, with one audit entry and one message.
    /// </summary>
    private static async Task RaceAsync(StoreHost host, RecordingFeed feed, EscalationService[] services)
    {
        foreach (var round in Enumerable.Range(0, RaceRounds))
        {
            var alertIds = new List<Guid>();
            foreach (var i in Enumerable.Range(0, AlertsPerRound))
            {
                alertIds.Add(await host.RaiseAsync(DemoCity.GridCode(round, i / 10, (i % 10) + 1), $"storm-{round}-{i}"));
            }

            host.Time.Advance(host.TheftDeadlines().Acknowledge + _late);

            var counts = await AtOnce.RunAsync(services.Length, i => services[i].EscalateDueAsync());

            Assert.Equal(AlertsPerRound, counts.Sum());
            await using var db = host.NewDbContext();
            var ids = alertIds.Select(id => id.ToString()).ToList();
            var audited = await db.AuditEntries.Where(e => e.Action == AuditAction.Escalated && ids.Contains(e.SubjectId)).GroupBy(e => e.SubjectId).Select(g => g.Count()).ToListAsync();
            Assert.Equal(Enumerable.Repeat(1, AlertsPerRound), audited);
            Assert.All(await db.Alerts.Where(a => alertIds.Contains(a.Id)).ToListAsync(), a => Assert.Equal(1, a.EscalationLevel));
            Assert.Equal(AlertsPerRound, feed.Published.OfType<AlertChanged>().Count(m => m.Change == AlertChange.Escalated && alertIds.Contains(m.AlertId)));
        }
    }

    /// <summary>Lets the current stage's deadline pass by a minute, runs the escalation and notes the rung.</summary>
    private static async Task MissTheStageDeadlineAsync(StoreHost host, List<int> levels)
    {
        var deadline = (await StoredAsync(host)).StageDeadline!.Value;
        host.Time.Advance(deadline - host.Time.GetUtcNow() + _late);
        await host.Get<EscalationService>().EscalateDueAsync();
        levels.Add((await StoredAsync(host)).EscalationLevel);
    }

    private static async Task<Alert> StoredAsync(StoreHost host)
    {
        await using var db = host.NewDbContext();
        return await db.Alerts.SingleAsync();
    }
}
