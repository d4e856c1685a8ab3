using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>
/// <see cref="AlertWorkflowService.ApplyAsync"/> on a real store: jurisdiction before anything else, the stored
/// result, one audit entry per step with the deadline that applied, and one live-feed message.
/// </summary>
public sealed class AlertWorkflowServiceTests
{
    [Fact]
    public async Task ApplyAsync_OperatorOfAnotherTown_IsDeniedAndNothingIsStored()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();

        var ex = await Assert.ThrowsAsync<WorkflowDeniedException>(() => host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.NeighbourTownStaff));

        Assert.Contains("jurisdiction", ex.Message, StringComparison.Ordinal);
        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync();
        Assert.Equal((AlertState.Reported, 1L, (string?)null), (stored.State, stored.Version, stored.HandlerName));
        Assert.Equal([AuditAction.Raised], await db.AuditEntries.ExceptSetUp().Select(e => e.Action).ToListAsync());
    }

    [Fact]
    public async Task ApplyAsync_OperatorOfAnotherTown_PublishesNothing()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertId = await host.RaiseAsync();

        await Assert.ThrowsAsync<WorkflowDeniedException>(() => host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.NeighbourTownStaff));

        Assert.DoesNotContain(feed.Published.OfType<AlertChanged>(), m => m.Change == AlertChange.StateChanged);
    }

    [Fact]
    public async Task ApplyAsync_OperatorOfAnotherCommunityInTheSameTown_IsDenied()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();

        await Assert.ThrowsAsync<WorkflowDeniedException>(() => host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.NeighbourCommunityStaff));
    }

    public static TheoryData<string> NodesAboveOrAtTheAlert() => new(Staff.CityCode, Staff.TownCode, Staff.CommunityCode, Staff.AlertGrid);

    [Theory]
    [MemberData(nameof(NodesAboveOrAtTheAlert))]
    public async Task ApplyAsync_OperatorBoundToTheAlertsSubtree_Acknowledges(string nodeCode)
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();

        await host.ApplyAsync(alertId, AlertAction.Acknowledge, new Operator("u-1", "林可", Role.Staff, nodeCode));

        await using var db = host.NewDbContext();
        Assert.Equal(AlertState.Acknowledged, (await db.Alerts.SingleAsync()).State);
    }

    [Fact]
    public async Task ApplyAsync_Wall_IsDenied()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();

        await Assert.ThrowsAsync<WorkflowDeniedException>(() => host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.Wall));
    }

    [Fact]
    public async Task ApplyAsync_UnknownAlert_ReturnsNull()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var alert = await host.ApplyAsync(Guid.NewGuid(), AlertAction.Acknowledge, Staff.TownStaff);

        Assert.Null(alert);
    }

    [Fact]
    public async Task ApplyAsync_Acknowledge_StoresTheHolderAndTheDispatchDeadline()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        host.Time.Advance(TimeSpan.FromMinutes(5));

        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff, "我来处理");

        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync();
        Assert.Equal((Staff.TownStaff.UserId, Staff.TownStaff.DisplayName, (DateTimeOffset?)host.Now()), (stored.HandlerId, stored.HandlerName, stored.AcknowledgedAt));
        Assert.Equal(host.Now() + host.TheftDeadlines().Dispatch, stored.StageDeadline);
    }

    [Fact]
    public async Task ApplyAsync_Acknowledge_WritesOneAuditEntryWithSeatStatesCommentAndTheDeadlineThatApplied()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        host.Time.Advance(TimeSpan.FromMinutes(5));

        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff, "我来处理");

        await using var db = host.NewDbContext();
        var audit = await db.AuditEntries.ExceptSetUp().SingleAsync(e => e.Action == AuditAction.Acknowledge);
        Assert.Equal((AuditSubject.Alert, alertId.ToString()), (audit.Subject, audit.SubjectId));
        Assert.Equal(("陈静", "Staff@330188001"), (audit.Actor, audit.Seat));
        Assert.Equal(("Reported", "Acknowledged", "我来处理"), (audit.FromState, audit.ToState, audit.Comment));
        Assert.Equal((host.Now(), (DateTimeOffset?)(StoreHost.Start + host.TheftDeadlines().Acknowledge), (int?)1), (audit.At, audit.Deadline, audit.PolicyVersion));
    }

    [Fact]
    public async Task ApplyAsync_TheWholeClosedLoop_AuditsEveryStepWithTheDeadlineOfTheStageLeft()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        var limits = host.TheftDeadlines();
        var t = StoreHost.Start;

        // One step every 10 minutes: acknowledged at t+10, dispatched at t+20, handling at t+30, resolved at t+40, verified at t+50.
        foreach (var (action, by, comment) in new (AlertAction, Operator, string?)[]
        {
            (AlertAction.Acknowledge, Staff.TownStaff, "我来处理"),
            (AlertAction.Dispatch, Staff.TownStaff, null),
            (AlertAction.StartHandling, Staff.TownStaff, null),
            (AlertAction.Resolve, Staff.TownStaff, "车辆已找回"),
            (AlertAction.Verify, Staff.CityDutyOfficer, "回访属实"),
        })
        {
            host.Time.Advance(TimeSpan.FromMinutes(10));
            await host.ApplyAsync(alertId, action, by, comment);
        }

        await using var db = host.NewDbContext();
        var audited = await db.AuditEntries
            .Where(e => e.SubjectId == alertId.ToString() && e.Action != AuditAction.Raised)
            .OrderBy(e => e.Id)
            .Select(e => new { e.Action, e.FromState, e.ToState, e.Deadline })
            .ToListAsync();
        Assert.Equal(
            [
                (AuditAction.Acknowledge, "Reported", "Acknowledged", t + limits.Acknowledge),
                (AuditAction.Dispatch, "Acknowledged", "Dispatched", t.AddMinutes(10) + limits.Dispatch),
                (AuditAction.StartHandling, "Dispatched", "Handling", t.AddMinutes(20) + limits.Handle),
                (AuditAction.Resolve, "Handling", "Resolved", t.AddMinutes(20) + limits.Handle), // handling keeps the dispatch stage's clock
                (AuditAction.Verify, "Resolved", "Closed", t.AddMinutes(40) + limits.Verify),
            ],
            audited.Select(e => (e.Action, e.FromState, e.ToState, e.Deadline!.Value)));
    }

    [Fact]
    public async Task ApplyAsync_Acknowledge_PublishesStateChangedWithPreviousStateAndHolder()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertId = await host.RaiseAsync();

        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);

        var change = Assert.Single(feed.Published.OfType<AlertChanged>(), m => m.Change == AlertChange.StateChanged);
        Assert.Equal((alertId, AlertState.Acknowledged, (AlertState?)AlertState.Reported), (change.AlertId, change.State, change.PreviousState));
        Assert.Equal(("陈静", Staff.TownCode), (change.HandlerName, change.Scope.TownCode));
    }

    [Fact]
    public async Task ApplyAsync_AlreadyAcknowledged_ThrowsConflictSayingWhoAndSinceWhen()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);
        var acknowledgedAt = host.Now();
        host.Time.Advance(TimeSpan.FromMinutes(2));

        var ex = await Assert.ThrowsAsync<AlertConflictException>(() => host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownColleague));

        Assert.Equal(("陈静", (DateTimeOffset?)acknowledgedAt), (ex.Holder, ex.Since));
        Assert.Contains($"陈静 at {acknowledgedAt:yyyy-MM-dd HH:mm:ss}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_UnacknowledgeByAnotherStaff_IsDeniedAndTheHolderKeepsIt()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);

        await Assert.ThrowsAsync<WorkflowDeniedException>(() => host.ApplyAsync(alertId, AlertAction.Unacknowledge, Staff.TownColleague));

        await using var db = host.NewDbContext();
        Assert.Equal("陈静", (await db.Alerts.SingleAsync()).HandlerName);
    }

    [Fact]
    public async Task ApplyAsync_UnacknowledgeByTheHolder_PutsItBackInTheQueueOnTheOriginalClock()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        host.Time.Advance(TimeSpan.FromMinutes(5));
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);
        host.Time.Advance(TimeSpan.FromMinutes(5));

        await host.ApplyAsync(alertId, AlertAction.Unacknowledge, Staff.TownStaff, "另有任务");

        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync();
        Assert.Equal((AlertState.Reported, (string?)null), (stored.State, stored.HandlerName));
        Assert.Equal(StoreHost.Start + host.TheftDeadlines().Acknowledge, stored.StageDeadline);
    }

    [Fact]
    public async Task ApplyAsync_ResolveWithoutFeedback_ThrowsAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);
        await host.ApplyAsync(alertId, AlertAction.StartHandling, Staff.TownStaff);

        await Assert.ThrowsAsync<DomainRuleException>(() => host.ApplyAsync(alertId, AlertAction.Resolve, Staff.TownStaff, comment: null));

        Assert.Equal(nameof(AlertState.Handling), await StateAsync(host, alertId));
    }

    [Fact]
    public async Task ApplyAsync_VerifyByTheResolver_IsDenied()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);
        await host.ApplyAsync(alertId, AlertAction.StartHandling, Staff.TownStaff);
        await host.ApplyAsync(alertId, AlertAction.Resolve, Staff.TownStaff, "车辆已找回");

        await Assert.ThrowsAsync<WorkflowDeniedException>(() => host.ApplyAsync(alertId, AlertAction.Verify, Staff.TownStaff));

        Assert.Equal(nameof(AlertState.Resolved), await StateAsync(host, alertId));
    }

    [Fact]
    public async Task ApplyAsync_VoidByStaff_IsDenied()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();

        await Assert.ThrowsAsync<WorkflowDeniedException>(() => host.ApplyAsync(alertId, AlertAction.Void, Staff.TownStaff, "重复上报"));

        Assert.Equal(nameof(AlertState.Reported), await StateAsync(host, alertId));
    }

    [Fact]
    public async Task ApplyAsync_VoidByADutyOfficer_VoidsTheAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();

        await host.ApplyAsync(alertId, AlertAction.Void, Staff.CityDutyOfficer, "重复上报");

        Assert.Equal(nameof(AlertState.Voided), await StateAsync(host, alertId));
    }

    private static async Task<string> StateAsync(StoreHost host, Guid alertId)
    {
        await using var db = host.NewDbContext();
        return (await db.Alerts.SingleAsync(a => a.Id == alertId)).State.ToString();
    }
}
