using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;

namespace CommandCenter.Core.Tests.Teams;

public class TeamTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private static readonly Guid _alertId = Guid.Parse("7a1d2c1e-0000-4000-8000-000000000001");

    [Fact]
    public void Constructor_NewTeam_IsAvailableWithoutAssignment()
    {
        var team = NewTeam();

        Assert.Equal(TeamStatus.Available, team.Status);
        Assert.Null(team.CurrentAlertId);
        Assert.Equal(_now, team.StatusSince);
    }

    [Fact]
    public void ChangeStatus_DispatchedWithAlert_AssignsTheAlert()
    {
        var team = NewTeam();

        var previous = team.ChangeStatus(TeamStatus.Dispatched, _alertId, _now.AddMinutes(1));

        Assert.Equal(TeamStatus.Available, previous);
        Assert.Equal(TeamStatus.Dispatched, team.Status);
        Assert.Equal(_alertId, team.CurrentAlertId);
        Assert.Equal(_now.AddMinutes(1), team.StatusSince);
    }

    [Fact]
    public void ChangeStatus_DispatchedWithoutAlert_Throws()
    {
        var team = NewTeam();

        Assert.Throws<DomainRuleException>(() => team.ChangeStatus(TeamStatus.Dispatched, alertId: null, _now));
        Assert.Equal(TeamStatus.Available, team.Status);
    }

    [Fact]
    public void ChangeStatus_AvailableToOnScene_ThrowsNamingBothStatuses()
    {
        var team = NewTeam();

        var ex = Assert.Throws<DomainRuleException>(() => team.ChangeStatus(TeamStatus.OnScene, _alertId, _now));

        Assert.Contains("from Available to OnScene", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangeStatus_FullAssignmentCycle_EndsAvailableWithoutAlert()
    {
        var team = NewTeam();
        team.ChangeStatus(TeamStatus.Dispatched, _alertId, _now);
        team.ChangeStatus(TeamStatus.EnRoute, _alertId, _now.AddMinutes(2));
        team.ChangeStatus(TeamStatus.OnScene, null, _now.AddMinutes(15));
        team.ChangeStatus(TeamStatus.Returning, null, _now.AddMinutes(60));
        Assert.Equal(_alertId, team.CurrentAlertId);

        team.ChangeStatus(TeamStatus.Available, null, _now.AddMinutes(80));

        Assert.Equal(TeamStatus.Available, team.Status);
        Assert.Null(team.CurrentAlertId);
        Assert.Equal(5, team.Version);
    }

    [Fact]
    public void ChangeStatus_OffDuty_ClearsAssignment()
    {
        var team = NewTeam();
        team.ChangeStatus(TeamStatus.Dispatched, _alertId, _now);
        team.ChangeStatus(TeamStatus.OnScene, _alertId, _now.AddMinutes(10));
        team.ChangeStatus(TeamStatus.Returning, null, _now.AddMinutes(30));

        team.ChangeStatus(TeamStatus.OffDuty, null, _now.AddMinutes(40));

        Assert.Null(team.CurrentAlertId);
    }

    [Fact]
    public void ChangeStatus_NamingAnotherAlert_Throws()
    {
        var team = NewTeam();
        team.ChangeStatus(TeamStatus.Dispatched, _alertId, _now);

        Assert.Throws<DomainRuleException>(() => team.ChangeStatus(TeamStatus.EnRoute, Guid.NewGuid(), _now.AddMinutes(1)));
        Assert.Equal(TeamStatus.Dispatched, team.Status);
    }

    [Fact]
    public void ChangeStatus_RedispatchWhileReturning_AssignsNewAlert()
    {
        var team = NewTeam();
        var nextAlert = Guid.NewGuid();
        team.ChangeStatus(TeamStatus.Dispatched, _alertId, _now);
        team.ChangeStatus(TeamStatus.OnScene, null, _now.AddMinutes(10));
        team.ChangeStatus(TeamStatus.Returning, null, _now.AddMinutes(30));

        team.ChangeStatus(TeamStatus.Dispatched, nextAlert, _now.AddMinutes(35));

        Assert.Equal(nextAlert, team.CurrentAlertId);
    }

    [Theory]
    [InlineData(TeamStatus.Available, TeamStatus.EnRoute)]
    [InlineData(TeamStatus.Available, TeamStatus.Returning)]
    [InlineData(TeamStatus.OffDuty, TeamStatus.Dispatched)]
    [InlineData(TeamStatus.EnRoute, TeamStatus.Returning)]
    [InlineData(TeamStatus.OnScene, TeamStatus.EnRoute)]
    public void CanMove_IllegalStatusChange_IsFalse(TeamStatus from, TeamStatus to)
    {
        Assert.False(TeamStatusRules.CanMove(from, to));
    }

    [Theory]
    [InlineData(TeamStatus.Dispatched, true)]
    [InlineData(TeamStatus.EnRoute, true)]
    [InlineData(TeamStatus.OnScene, true)]
    [InlineData(TeamStatus.Returning, false)]
    [InlineData(TeamStatus.Available, false)]
    [InlineData(TeamStatus.OffDuty, false)]
    public void IsDeployed_EachStatus_IsTrueOnlyWhileWorkingAnAssignment(TeamStatus status, bool expected)
    {
        Assert.Equal(expected, TeamStatusRules.IsDeployed(status));
    }

    [Fact]
    public void MoveTo_NewPosition_StampsPositionAndTime()
    {
        var team = NewTeam();

        team.MoveTo(new(30.25, 120.13), _now.AddMinutes(3));

        Assert.Equal(30.25, team.Latitude);
        Assert.Equal(120.13, team.Longitude);
        Assert.Equal(_now.AddMinutes(3), team.PositionAt);
    }

    private static Team NewTeam() => new(
        "TM-001",
        "城区治安巡防队",
        TeamType.SecurityPatrol,
        NodeLevel.City,
        "330188",
        [new TeamMember("张三", MemberRole.Patroller, "13800000000")],
        position: null,
        _now);
}
