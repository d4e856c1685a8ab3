using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;

namespace CommandCenter.Core.Tests.Alerts;

/// <summary><see cref="AlertActions"/>: the one table of who may do what in which state.</summary>
public class AlertActionsTests
{
    public static TheoryData<AlertAction> EveryAction() => new(Enum.GetValues<AlertAction>());

    public static TheoryData<AlertState> EveryState() => new(Enum.GetValues<AlertState>());

    [Theory]
    [MemberData(nameof(EveryAction))]
    public void Rules_EveryActionsMove_IsOneTheStateMachineAllows(AlertAction action)
    {
        var to = AlertActions.Target(action);

        Assert.All(AlertActions.From(action), from => Assert.True(AlertWorkflow.CanMove(from, to), $"{action}: {from} → {to}"));
    }

    [Theory]
    [InlineData(AlertAction.Acknowledge, AlertState.Acknowledged)]
    [InlineData(AlertAction.Unacknowledge, AlertState.Reported)]
    [InlineData(AlertAction.Dispatch, AlertState.Dispatched)]
    [InlineData(AlertAction.StartHandling, AlertState.Handling)]
    [InlineData(AlertAction.Resolve, AlertState.Resolved)]
    [InlineData(AlertAction.Verify, AlertState.Closed)]
    [InlineData(AlertAction.SendBack, AlertState.Rework)]
    [InlineData(AlertAction.Void, AlertState.Voided)]
    public void Target_EachAction_IsItsStateInTheClosedLoop(AlertAction action, AlertState expected)
    {
        Assert.Equal(expected, AlertActions.Target(action));
    }

    [Fact]
    public void Available_StaffOnAReportedAlert_IsAcknowledgeOnly()
    {
        Assert.Equal([AlertAction.Acknowledge], AlertActions.Available(AlertState.Reported, Role.Staff));
    }

    [Fact]
    public void Available_DutyOfficerOnAReportedAlert_AddsVoid()
    {
        Assert.Equal([AlertAction.Acknowledge, AlertAction.Void], AlertActions.Available(AlertState.Reported, Role.DutyOfficer).Order());
    }

    [Fact]
    public void Available_StaffOnAResolvedAlert_IsVerifyOrSendBack()
    {
        Assert.Equal([AlertAction.Verify, AlertAction.SendBack], AlertActions.Available(AlertState.Resolved, Role.Staff).Order());
    }

    [Theory]
    [MemberData(nameof(EveryState))]
    public void Available_ToAWall_IsNothingInAnyState(AlertState state)
    {
        Assert.Empty(AlertActions.Available(state, Role.Wall));
    }

    [Theory]
    [InlineData(AlertState.Closed)]
    [InlineData(AlertState.Voided)]
    public void Available_OnAFinalAlert_IsNothingEvenForAnAdmin(AlertState state)
    {
        Assert.Empty(AlertActions.Available(state, Role.Admin));
    }

    [Fact]
    public void Ensure_RoleNotAllowed_IsDeniedNamingTheRolesThatMay()
    {
        var ex = Assert.Throws<WorkflowDeniedException>(() => AlertActions.Ensure(AlertAction.Void, AlertState.Reported, Role.Staff));

        Assert.Contains("Staff", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Admin, Leader, DutyOfficer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ensure_StateNotAllowed_ThrowsARuleErrorNamingTheStatesItAppliesTo()
    {
        var ex = Assert.Throws<DomainRuleException>(() => AlertActions.Ensure(AlertAction.StartHandling, AlertState.Reported, Role.Staff));

        Assert.Contains("Acknowledged or Dispatched or Rework", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ensure_WrongRoleAndWrongState_ReportsTheRoleFirst()
    {
        Assert.Throws<WorkflowDeniedException>(() => AlertActions.Ensure(AlertAction.Void, AlertState.Closed, Role.Wall));
    }
}
