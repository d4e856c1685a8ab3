using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Policies;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Audit;

/// <summary>
/// The audit trail's vocabulary and its factories: a workflow step is recorded under the action of the same name
/// (the stored text the timeline, supervision and the API read), and each factory fills in what its subject knows.
/// </summary>
public class AuditEntryTests
{
    private static readonly DateTimeOffset _reportedAt = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    private static readonly NodePath _path = new("330188", "330188003", "330188003002", DemoCity.GridCode(2, 1, 3));

    private static readonly StageDeadlines _deadlines =
        new(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), TimeSpan.FromHours(24), TimeSpan.FromHours(4));

    private static readonly Operator _li = new("u-li", "李明", Role.Staff, "330188003");

    public static TheoryData<AlertAction> EveryAlertAction() => new(Enum.GetValues<AlertAction>());

    [Theory]
    [MemberData(nameof(EveryAlertAction))]
    public void Of_EveryWorkflowAction_IsTheAuditActionOfTheSameName(AlertAction action) =>
        Assert.Equal(action.ToString(), AuditActions.Of(action).ToString());

    [Fact]
    public void Of_TwoWorkflowActions_NeverShareAnAuditAction() =>
        Assert.Equal(Enum.GetValues<AlertAction>().Length, Enum.GetValues<AlertAction>().Select(AuditActions.Of).Distinct().Count());

    [Fact]
    public void AuditAction_Names_AreTheOnesTheStoreHolds() =>
        Assert.Equal(
            [
                "Raised", "RepeatMerged", "SeverityRaised", "Acknowledge", "Unacknowledge", "Dispatch", "StartHandling", "Resolve", "Verify", "SendBack", "Void",
                "Escalated", "LateReportCharged", "FollowUp", "FollowUpOverdue", "StatusChanged", "TurnedSilent",
                "UserCreated", "UserChanged", "UserDisabled", "UserEnabled", "UserUnlocked", "PasswordReset", "PasswordChanged",
                "ApiKeyCreated", "ApiKeyRevoked", "TeamCreated", "TeamChanged", "TeamRetired", "PolicyVersionCreated",
                "DivisionImported", "MovedToGrid",
                "DutyRosterChanged", "DutyRosterImported", "DutyRosterDeleted", "DutySwapAdded", "DutySwapRemoved", "DeliveryResent",
            ],
            Enum.GetNames<AuditAction>());

    [Fact]
    public void AuditAction_And_Subject_Names_FitTheStoredWidth() =>
        Assert.All(Enum.GetNames<AuditAction>().Concat(Enum.GetNames<AuditSubject>()), name => Assert.InRange(name.Length, 1, 32));

    [Fact]
    public void ForTransition_Acknowledge_RecordsTheMoveTheSeatAndTheDeadlineLeft()
    {
        var alert = Raise();
        var deadline = alert.StageDeadline;
        var at = _reportedAt.AddMinutes(5);
        var step = alert.Apply(AlertAction.Acknowledge, _li, "我来处理", _deadlines, at);

        var entry = AuditEntry.ForTransition(alert, step, at);

        Assert.Equivalent(
            new
            {
                Subject = AuditSubject.Alert, SubjectId = alert.Id.ToString(), Action = AuditAction.Acknowledge, Actor = "李明", Seat = "Staff@330188003",
                At = at, FromState = "Reported", ToState = "Acknowledged", Comment = "我来处理", Deadline = deadline, PolicyVersion = (int?)1,
            },
            entry);
    }

    [Fact]
    public void ForAlert_Raised_HasNoStateBefore()
    {
        var alert = Raise();

        var entry = AuditEntry.ForAlert(alert, AuditAction.Raised, new Actor("api:hotline", "api"), _reportedAt);

        Assert.Equal((AuditAction.Raised, null, "Reported", "api:hotline", "api"), (entry.Action, entry.FromState, entry.ToState, entry.Actor, entry.Seat));
    }

    [Fact]
    public void ForAlert_Escalated_KeepsTheStateAndRecordsTheMissedDeadline()
    {
        var alert = Raise();
        var missed = alert.StageDeadline;

        var entry = AuditEntry.ForAlert(alert, AuditAction.Escalated, Actor.System("escalation-job"), _reportedAt.AddHours(1), "overdue", missed);

        Assert.Equal(("Reported", "Reported", missed, "system", (int?)1), (entry.FromState, entry.ToState, entry.Deadline, entry.Seat, entry.PolicyVersion));
    }

    private static Alert Raise() => Alert.Raise(
        new NewAlertReport(AlertSource.GridWorker, "EXT-1", "0401", Severity.General, _path.GridCode, null, _reportedAt.AddMinutes(-10), "楼道堆放杂物"),
        _path,
        policyVersion: 1,
        isLateReport: false,
        _deadlines,
        Guid.NewGuid(),
        _reportedAt);
}
