using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;

namespace CommandCenter.Core.Tests.Alerts;

/// <summary><see cref="AlertActions"/>: the one table of who may do what in which state.</summary>
public class AlertActionsTests
{
    public static TheoryData<AlertAction> EveryAction() => new(Enum.GetValues<AlertAction>());

    public static TheoryData<AlertState> EveryState() => new(Enum.GetValues<AlertState>());

    /// <summary>The closed loop, written out here as the specification the table must match: action, from, to, who.</summary>
    private static readonly (AlertAction Action, AlertState[] From, AlertState To, Role[] Roles)[] Specification =
    [
        (AlertAction.Acknowledge, [AlertState.Reported], AlertState.Acknowledged, Workers),
        (AlertAction.Unacknowledge, [AlertState.Acknowledged], AlertState.Reported, Workers),
        (AlertAction.Dispatch, [AlertState.Acknowledged], AlertState.Dispatched, Workers),
        (AlertAction.StartHandling, [AlertState.Acknowledged, AlertState.Dispatched, AlertState.Rework], AlertState.Handling, Workers),
        (AlertAction.Resolve, [AlertState.Handling, AlertState.Rework], AlertState.Resolved, Workers),
        (AlertAction.Verify, [AlertState.Resolved], AlertState.Closed, Workers),
        (AlertAction.SendBack, [AlertState.Resolved], AlertState.Rework, Workers),
        (AlertAction.Void, [AlertState.Reported, AlertState.Acknowledged], AlertState.Voided, [Role.Admin, Role.Leader, Role.DutyOfficer]),
    ];

    private static Role[] Workers => [Role.Admin, Role.Leader, Role.DutyOfficer, Role.Staff];

    public static TheoryData<AlertAction, AlertState, Role> EveryCase()
    {
        var data = new TheoryData<AlertAction, AlertState, Role>();
        foreach (var action in Enum.GetValues<AlertAction>())
        {
            foreach (var state in Enum.GetValues<AlertState>())
            {
                foreach (var role in Enum.GetValues<Role>())
                {
                    data.Add(action, state, role);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCase))]
    public void Available_EveryActionStateAndRole_MatchesTheSpecification(AlertAction action, AlertState state, Role role)
    {
        var rule = Specification.Single(r => r.Action == action);

        Assert.Equal(rule.From.Contains(state) && rule.Roles.Contains(role), AlertActions.Available(state, role).Contains(action));
    }

    [Theory]
    [MemberData(nameof(EveryCase))]
    public void Ensure_EveryActionStateAndRole_AllowsExactlyWhatTheSpecificationAllows(AlertAction action, AlertState state, Role role)
    {
        var rule = Specification.Single(r => r.Action == action);

        var ex = Record.Exception(() => AlertActions.Ensure(action, state, role));

        Assert.Equal(rule.From.Contains(state) && rule.Roles.Contains(role), ex is null);
    }

    [Fact]
    public void Moves_AreExactlyTheStateChangesTheActionsMake()
    {
        (AlertState, AlertState)[] expected =
        [
            (AlertState.Reported, AlertState.Acknowledged),
            (AlertState.Reported, AlertState.Voided),
            (AlertState.Acknowledged, AlertState.Reported),
            (AlertState.Acknowledged, AlertState.Dispatched),
            (AlertState.Acknowledged, AlertState.Handling),
            (AlertState.Acknowledged, AlertState.Voided),
            (AlertState.Dispatched, AlertState.Handling),
            (AlertState.Handling, AlertState.Resolved),
            (AlertState.Resolved, AlertState.Closed),
            (AlertState.Resolved, AlertState.Rework),
            (AlertState.Rework, AlertState.Handling),
            (AlertState.Rework, AlertState.Resolved),
        ];

        Assert.Equal(expected.Order(), AlertActions.Moves.Order());
    }

    [Theory]
    [InlineData(AlertState.Closed)]
    [InlineData(AlertState.Voided)]
    public void Moves_FromAFinalState_AreNone(AlertState state)
    {
        Assert.DoesNotContain(AlertActions.Moves, move => move.From == state);
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
