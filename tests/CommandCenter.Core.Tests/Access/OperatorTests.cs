using CommandCenter.Core.Access;

namespace CommandCenter.Core.Tests.Access;

public class OperatorTests
{
    [Theory]
    [InlineData(Role.Admin, true)]
    [InlineData(Role.Leader, true)]
    [InlineData(Role.DutyOfficer, true)]
    [InlineData(Role.Staff, false)]
    [InlineData(Role.Wall, false)]
    public void IsSupervisor_EachRole_IsTrueFromDutyOfficerUp(Role role, bool expected)
    {
        var person = new Operator("u-1", "李明", role, "330188");

        Assert.Equal(expected, person.IsSupervisor);
    }

    [Theory]
    [InlineData(Role.Admin, true)]
    [InlineData(Role.Leader, true)]
    [InlineData(Role.DutyOfficer, true)]
    [InlineData(Role.Staff, true)]
    [InlineData(Role.Wall, false)]
    public void CanAct_EachRole_IsFalseOnlyForAWall(Role role, bool expected)
    {
        var person = new Operator("u-1", "李明", role, "330188");

        Assert.Equal(expected, person.CanAct);
    }
}
