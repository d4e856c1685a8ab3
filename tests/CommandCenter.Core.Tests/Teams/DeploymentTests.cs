using CommandCenter.Core.Teams;

namespace CommandCenter.Core.Tests.Teams;

public class DeploymentTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Constructor_NewDeployment_IsDispatchedAndActive()
    {
        var deployment = NewDeployment();

        Assert.Equal(TeamStatus.Dispatched, deployment.Status);
        Assert.Equal(_now, deployment.DispatchedAt);
        Assert.True(deployment.IsActive);
    }

    [Fact]
    public void Record_EnRoute_StampsEnRouteAt()
    {
        var deployment = NewDeployment();

        deployment.Record(TeamStatus.EnRoute, _now.AddMinutes(2));

        Assert.Equal(_now.AddMinutes(2), deployment.EnRouteAt);
        Assert.Equal(TeamStatus.EnRoute, deployment.Status);
        Assert.Null(deployment.OnSceneAt);
    }

    [Fact]
    public void Record_OnScene_StampsOnSceneAt()
    {
        var deployment = NewDeployment();

        deployment.Record(TeamStatus.OnScene, _now.AddMinutes(12));

        Assert.Equal(_now.AddMinutes(12), deployment.OnSceneAt);
        Assert.True(deployment.IsActive);
    }

    [Fact]
    public void Record_Returning_StampsReturningAtAndStaysActive()
    {
        var deployment = NewDeployment();

        deployment.Record(TeamStatus.Returning, _now.AddMinutes(50));

        Assert.Equal(_now.AddMinutes(50), deployment.ReturningAt);
        Assert.True(deployment.IsActive);
    }

    [Theory]
    [InlineData(TeamStatus.Available)]
    [InlineData(TeamStatus.OffDuty)]
    public void Record_ReleasingStatus_EndsTheDeployment(TeamStatus status)
    {
        var deployment = NewDeployment();

        deployment.Record(status, _now.AddMinutes(70));

        Assert.Equal(_now.AddMinutes(70), deployment.EndedAt);
        Assert.False(deployment.IsActive);
    }

    [Fact]
    public void Record_AfterEnded_Throws()
    {
        var deployment = NewDeployment();
        deployment.Record(TeamStatus.Available, _now.AddMinutes(70));

        var ex = Assert.Throws<DomainRuleException>(() => deployment.Record(TeamStatus.EnRoute, _now.AddMinutes(71)));

        Assert.Contains("TM-007", ex.Message, StringComparison.Ordinal);
        Assert.Null(deployment.EnRouteAt);
    }

    private static Deployment NewDeployment() => new(Guid.NewGuid(), "TM-007", Guid.NewGuid(), _now);
}
