using CommandCenter.Infrastructure.Workflow;
using Quartz;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>The job's schedule settings; the web tests run it end to end in the hosted scheduler.</summary>
public sealed class OverdueEscalationJobTests
{
    [Fact]
    public void Interval_IsWithinTheFiveSecondTarget()
    {
        Assert.InRange(OverdueEscalationJob.Interval, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void OverdueEscalationJob_NeverRunsTwiceAtOnceInOneScheduler()
    {
        Assert.True(Attribute.IsDefined(typeof(OverdueEscalationJob), typeof(DisallowConcurrentExecutionAttribute)));
    }
}
