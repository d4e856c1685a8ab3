using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Policies;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Alerts;

/// <summary>
/// <see cref="Alert.Apply"/>: the closed loop step by step, each stage's clock, and the people rules (the holder
/// un-acknowledges, someone other than the resolver verifies, only duty officers void, a wall never acts).
/// </summary>
public class AlertWorkflowActionsTests
{
    private static readonly DateTimeOffset _reportedAt = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    private static readonly NodePath _path = new("330188", "330188003", "330188003002", DemoCity.GridCode(2, 1, 3));

    /// <summary>Every limit different, so a stage that starts the wrong clock shows.</summary>
    private static readonly StageDeadlines _deadlines =
        new(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), TimeSpan.FromHours(24), TimeSpan.FromHours(4));

    private static readonly Operator _li = new("u-li", "李明", Role.Staff, "330188003");
    private static readonly Operator _zhang = new("u-zhang", "张伟", Role.Staff, "330188003");
    private static readonly Operator _dutyOfficer = new("u-wang", "王值班", Role.DutyOfficer, "330188");
    private static readonly Operator _wall = new("u-wall", "大屏", Role.Wall, "330188");

    [Fact]
    public void Apply_Acknowledge_MovesToAcknowledgedAndStartsTheDispatchClock()
    {
        var alert = Raise();
        var at = _reportedAt.AddMinutes(5);

        alert.Apply(AlertAction.Acknowledge, _li, null, _deadlines, at);

        Assert.Equal(AlertState.Acknowledged, alert.State);
        Assert.Equal((at, at + _deadlines.Dispatch), (alert.StageStartedAt, alert.StageDeadline));
    }

    [Fact]
    public void Apply_Acknowledge_RecordsWhoHoldsItAndSinceWhen()
    {
        var alert = Raise();
        var at = _reportedAt.AddMinutes(5);

        alert.Apply(AlertAction.Acknowledge, _li, "我来处理", _deadlines, at);

        Assert.Equal((_li.UserId, _li.DisplayName, at), (alert.HandlerId, alert.HandlerName, alert.AcknowledgedAt));
    }

    [Fact]
    public void Apply_Dispatch_MovesToDispatchedAndStartsTheHandleClock()
    {
        var alert = Acknowledged();
        var at = _reportedAt.AddMinutes(20);

        alert.Apply(AlertAction.Dispatch, _li, null, _deadlines, at);

        Assert.Equal(AlertState.Dispatched, alert.State);
        Assert.Equal((at, at + _deadlines.Handle), (alert.StageStartedAt, alert.StageDeadline));
    }

    [Fact]
    public void Apply_StartHandlingAfterDispatch_KeepsTheDispatchStagesClock()
    {
        var alert = Dispatched();
        var (startedAt, deadline) = (alert.StageStartedAt, alert.StageDeadline);

        alert.Apply(AlertAction.StartHandling, _li, null, _deadlines, _reportedAt.AddMinutes(50));

        Assert.Equal(AlertState.Handling, alert.State);
        Assert.Equal((startedAt, deadline), (alert.StageStartedAt, alert.StageDeadline));
    }

    [Fact]
    public void Apply_StartHandlingStraightAfterAcknowledge_StartsTheHandleClock()
    {
        var alert = Acknowledged();
        var at = _reportedAt.AddMinutes(20);

        alert.Apply(AlertAction.StartHandling, _li, null, _deadlines, at);

        Assert.Equal(AlertState.Handling, alert.State);
        Assert.Equal((at, at + _deadlines.Handle), (alert.StageStartedAt, alert.StageDeadline));
    }

    [Fact]
    public void Apply_Resolve_MovesToResolvedAndStartsTheVerifyClock()
    {
        var alert = Handling();
        var at = _reportedAt.AddHours(3);

        alert.Apply(AlertAction.Resolve, _li, "杂物已清理", _deadlines, at);

        Assert.Equal(AlertState.Resolved, alert.State);
        Assert.Equal((at, at + _deadlines.Verify), (alert.StageStartedAt, alert.StageDeadline));
    }

    [Fact]
    public void Apply_Resolve_RecordsTheResolverAndTheFeedback()
    {
        var alert = Handling();

        alert.Apply(AlertAction.Resolve, _li, "杂物已清理", _deadlines, _reportedAt.AddHours(3));

        Assert.Equal((_li.UserId, "杂物已清理"), (alert.ResolvedById, alert.Feedback));
    }

    [Fact]
    public void Apply_VerifyBySomeoneElse_ClosesTheAlertWithNoDeadline()
    {
        var alert = Resolved(by: _li);
        var at = _reportedAt.AddHours(5);

        alert.Apply(AlertAction.Verify, _zhang, "现场核查通过", _deadlines, at);

        Assert.Equal(AlertState.Closed, alert.State);
        Assert.Equal((at, (DateTimeOffset?)null), (alert.StageStartedAt, alert.StageDeadline));
        Assert.False(alert.IsOpen);
    }

    [Fact]
    public void Apply_TheWholeClosedLoop_PassesEveryStateInOrder()
    {
        var alert = Raise();
        (AlertAction Action, Operator By, string? Comment)[] steps =
        [
            (AlertAction.Acknowledge, _li, null),
            (AlertAction.Dispatch, _li, null),
            (AlertAction.StartHandling, _li, null),
            (AlertAction.Resolve, _li, "杂物已清理"),
            (AlertAction.Verify, _zhang, null),
        ];

        var moves = steps
            .Select((step, i) => alert.Apply(step.Action, step.By, step.Comment, _deadlines, _reportedAt.AddMinutes(10 * (i + 1))))
            .Select(t => (t.From, t.To));

        Assert.Equal(
            [
                (AlertState.Reported, AlertState.Acknowledged),
                (AlertState.Acknowledged, AlertState.Dispatched),
                (AlertState.Dispatched, AlertState.Handling),
                (AlertState.Handling, AlertState.Resolved),
                (AlertState.Resolved, AlertState.Closed),
            ],
            moves);
    }

    [Fact]
    public void Apply_AnyAction_BumpsVersionAndUpdatedAt()
    {
        var alert = Raise();
        var at = _reportedAt.AddMinutes(5);

        alert.Apply(AlertAction.Acknowledge, _li, null, _deadlines, at);

        Assert.Equal((2L, at), (alert.Version, alert.UpdatedAt));
    }

    [Fact]
    public void Apply_Acknowledge_ReturnsTheMoveWithTheAcknowledgeDeadlineThatApplied()
    {
        var alert = Raise();

        var transition = alert.Apply(AlertAction.Acknowledge, _li, "我来处理", _deadlines, _reportedAt.AddMinutes(5));

        Assert.Equal(
            new AlertTransition(AlertAction.Acknowledge, AlertState.Reported, AlertState.Acknowledged, _reportedAt + _deadlines.Acknowledge, _li, "我来处理"),
            transition);
    }

    [Fact]
    public void Apply_Resolve_ReturnsTheHandleDeadlineOfTheStageLeft()
    {
        var alert = Handling();
        var handleDeadline = alert.StageDeadline;

        var transition = alert.Apply(AlertAction.Resolve, _li, "杂物已清理", _deadlines, _reportedAt.AddHours(3));

        Assert.Equal((AlertState.Handling, AlertState.Resolved, handleDeadline), (transition.From, transition.To, transition.DeadlineThatApplied));
    }

    [Fact]
    public void Apply_UnacknowledgeByTheHolder_ReturnsToTheQueueAndClearsTheHolder()
    {
        var alert = Acknowledged(by: _li);

        alert.Apply(AlertAction.Unacknowledge, _li, "另有任务", _deadlines, _reportedAt.AddMinutes(20));

        Assert.Equal(AlertState.Reported, alert.State);
        Assert.Equal((null, null, null), (alert.HandlerId, alert.HandlerName, alert.AcknowledgedAt));
    }

    [Fact]
    public void Apply_UnacknowledgeByTheHolder_ResumesTheOriginalAcknowledgeClock()
    {
        var alert = Acknowledged(by: _li);

        alert.Apply(AlertAction.Unacknowledge, _li, null, _deadlines, _reportedAt.AddMinutes(20));

        Assert.Equal((_reportedAt, _reportedAt + _deadlines.Acknowledge), (alert.StageStartedAt, alert.StageDeadline));
        Assert.False(alert.IsOverdue);
    }

    [Fact]
    public void Apply_UnacknowledgeAfterTheAcknowledgeDeadline_IsOverdueAtOnce()
    {
        var alert = Acknowledged(by: _li);

        alert.Apply(AlertAction.Unacknowledge, _li, null, _deadlines, _reportedAt + _deadlines.Acknowledge + TimeSpan.FromMinutes(1));

        Assert.Equal(_reportedAt + _deadlines.Acknowledge, alert.StageDeadline);
        Assert.True(alert.IsOverdue);
    }

    [Fact]
    public void Apply_UnacknowledgeByAnotherStaff_IsDeniedNamingTheHolder()
    {
        var alert = Acknowledged(by: _li);

        var ex = Assert.Throws<WorkflowDeniedException>(
            () => alert.Apply(AlertAction.Unacknowledge, _zhang, null, _deadlines, _reportedAt.AddMinutes(20)));

        Assert.Contains(_li.DisplayName, ex.Message, StringComparison.Ordinal);
        Assert.Equal((AlertState.Acknowledged, _li.UserId), (alert.State, alert.HandlerId));
    }

    [Fact]
    public void Apply_UnacknowledgeByADutyOfficer_ReturnsToTheQueue()
    {
        var alert = Acknowledged(by: _li);

        alert.Apply(AlertAction.Unacknowledge, _dutyOfficer, "改派", _deadlines, _reportedAt.AddMinutes(20));

        Assert.Equal((AlertState.Reported, (string?)null), (alert.State, alert.HandlerId));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Apply_ResolveWithoutFeedback_ThrowsAndLeavesAlertHandling(string? feedback)
    {
        var alert = Handling();

        Assert.Throws<DomainRuleException>(() => alert.Apply(AlertAction.Resolve, _li, feedback, _deadlines, _reportedAt.AddHours(3)));
        Assert.Equal((AlertState.Handling, (string?)null), (alert.State, alert.ResolvedById));
    }

    [Theory]
    [InlineData(AlertAction.Verify)]
    [InlineData(AlertAction.SendBack)]
    public void Apply_VerificationByTheResolver_IsDenied(AlertAction action)
    {
        var alert = Resolved(by: _li);

        Assert.Throws<WorkflowDeniedException>(() => alert.Apply(action, _li, null, _deadlines, _reportedAt.AddHours(5)));
        Assert.Equal(AlertState.Resolved, alert.State);
    }

    [Fact]
    public void Apply_VerifyByAResolvingDutyOfficer_IsDenied()
    {
        var alert = Resolved(by: _dutyOfficer);

        Assert.Throws<WorkflowDeniedException>(() => alert.Apply(AlertAction.Verify, _dutyOfficer, null, _deadlines, _reportedAt.AddHours(5)));
    }

    [Fact]
    public void Apply_SendBackBySomeoneElse_MovesToReworkWithANewHandleDeadline()
    {
        var alert = Resolved(by: _li);
        var at = _reportedAt.AddHours(5);

        alert.Apply(AlertAction.SendBack, _zhang, "现场仍有杂物", _deadlines, at);

        Assert.Equal(AlertState.Rework, alert.State);
        Assert.Equal((at, at + _deadlines.Handle), (alert.StageStartedAt, alert.StageDeadline));
    }

    [Fact]
    public void Apply_ResolveAfterRework_StillCannotBeVerifiedByTheResolver()
    {
        var alert = Resolved(by: _li);
        alert.Apply(AlertAction.SendBack, _zhang, "现场仍有杂物", _deadlines, _reportedAt.AddHours(5));
        alert.Apply(AlertAction.Resolve, _li, "已再次清理", _deadlines, _reportedAt.AddHours(6));

        Assert.Throws<WorkflowDeniedException>(() => alert.Apply(AlertAction.Verify, _li, null, _deadlines, _reportedAt.AddHours(7)));
    }

    [Fact]
    public void Apply_VoidByStaff_IsDenied()
    {
        var alert = Raise();

        var ex = Assert.Throws<WorkflowDeniedException>(() => alert.Apply(AlertAction.Void, _li, "重复上报", _deadlines, _reportedAt.AddMinutes(5)));

        Assert.Contains(nameof(Role.DutyOfficer), ex.Message, StringComparison.Ordinal);
        Assert.Equal(AlertState.Reported, alert.State);
    }

    [Theory]
    [InlineData(AlertState.Reported)]
    [InlineData(AlertState.Acknowledged)]
    public void Apply_VoidByADutyOfficer_VoidsAnAlertNotYetWorkedOn(AlertState state)
    {
        var alert = InState(state);

        alert.Apply(AlertAction.Void, _dutyOfficer, "重复上报", _deadlines, _reportedAt.AddMinutes(15));

        Assert.Equal((AlertState.Voided, (DateTimeOffset?)null), (alert.State, alert.StageDeadline));
    }

    [Fact]
    public void Apply_VoidWhileHandling_ThrowsARuleErrorEvenForADutyOfficer()
    {
        var alert = Handling();

        var ex = Assert.Throws<DomainRuleException>(() => alert.Apply(AlertAction.Void, _dutyOfficer, "重复上报", _deadlines, _reportedAt.AddHours(1)));

        Assert.Contains(nameof(AlertState.Handling), ex.Message, StringComparison.Ordinal);
        Assert.Equal(AlertState.Handling, alert.State);
    }

    [Theory]
    [InlineData(AlertAction.Dispatch, AlertState.Reported)]
    [InlineData(AlertAction.Resolve, AlertState.Acknowledged)]
    [InlineData(AlertAction.Verify, AlertState.Handling)]
    [InlineData(AlertAction.Acknowledge, AlertState.Closed)]
    [InlineData(AlertAction.Unacknowledge, AlertState.Dispatched)]
    public void Apply_ActionNotOpenInTheState_ThrowsNamingBothAndChangesNothing(AlertAction action, AlertState state)
    {
        var alert = InState(state);
        var version = alert.Version;

        var ex = Assert.Throws<DomainRuleException>(() => alert.Apply(action, _dutyOfficer, "说明", _deadlines, _reportedAt.AddDays(1)));

        Assert.Contains(action.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains(state.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Equal((state, version), (alert.State, alert.Version));
    }

    public static TheoryData<AlertAction, AlertState> EveryActionWhereItApplies()
    {
        var data = new TheoryData<AlertAction, AlertState>();
        foreach (var action in Enum.GetValues<AlertAction>())
        {
            data.Add(action, AlertActions.From(action)[0]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryActionWhereItApplies))]
    public void Apply_ByAWall_IsDeniedForEveryAction(AlertAction action, AlertState state)
    {
        var alert = InState(state);

        Assert.Throws<WorkflowDeniedException>(() => alert.Apply(action, _wall, "说明", _deadlines, _reportedAt.AddDays(1)));
        Assert.Equal(state, alert.State);
    }

    private static Alert Raise() => Alert.Raise(
        new NewAlertReport(AlertSource.GridWorker, "EXT-1", "0401", Severity.General, _path.GridCode, null, _reportedAt.AddMinutes(-10), "楼道堆放杂物"),
        _path,
        policyVersion: 1,
        isLateReport: false,
        _deadlines,
        Guid.NewGuid(),
        _reportedAt);

    private static Alert Acknowledged(Operator? by = null)
    {
        var alert = Raise();
        alert.Apply(AlertAction.Acknowledge, by ?? _li, null, _deadlines, _reportedAt.AddMinutes(5));
        return alert;
    }

    private static Alert Dispatched()
    {
        var alert = Acknowledged();
        alert.Apply(AlertAction.Dispatch, _li, null, _deadlines, _reportedAt.AddMinutes(20));
        return alert;
    }

    private static Alert Handling()
    {
        var alert = Dispatched();
        alert.Apply(AlertAction.StartHandling, _li, null, _deadlines, _reportedAt.AddMinutes(50));
        return alert;
    }

    private static Alert Resolved(Operator by)
    {
        var alert = Handling();
        alert.Apply(AlertAction.Resolve, by, "杂物已清理", _deadlines, _reportedAt.AddHours(3));
        return alert;
    }

    private static Alert Reworked()
    {
        var alert = Resolved(by: _li);
        alert.Apply(AlertAction.SendBack, _zhang, "现场仍有杂物", _deadlines, _reportedAt.AddHours(5));
        return alert;
    }

    private static Alert Closed()
    {
        var alert = Resolved(by: _li);
        alert.Apply(AlertAction.Verify, _zhang, null, _deadlines, _reportedAt.AddHours(5));
        return alert;
    }

    private static Alert Voided()
    {
        var alert = Raise();
        alert.Apply(AlertAction.Void, _dutyOfficer, "重复上报", _deadlines, _reportedAt.AddMinutes(5));
        return alert;
    }

    /// <summary>An alert brought to <paramref name="state"/> the way staff would bring it there.</summary>
    private static Alert InState(AlertState state) => state switch
    {
        AlertState.Reported => Raise(),
        AlertState.Acknowledged => Acknowledged(),
        AlertState.Dispatched => Dispatched(),
        AlertState.Handling => Handling(),
        AlertState.Resolved => Resolved(by: _li),
        AlertState.Rework => Reworked(),
        AlertState.Closed => Closed(),
        AlertState.Voided => Voided(),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
