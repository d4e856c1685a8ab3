using CommandCenter.Core.Policies;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Policies;

/// <summary>Which version is in force when, and swapping versions in while the map stays.</summary>
public sealed class ReferenceDataPolicyTests
{
    private static readonly DateTimeOffset V2From = new(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void PolicyAt_BeforeTheNewestTakesEffect_IsTheVersionBefore()
    {
        var reference = WithTwoVersions();

        Assert.Equal(1, reference.PolicyAt(V2From.AddTicks(-1)).Version);
    }

    [Fact]
    public void PolicyAt_FromTheNewestsEffectiveFrom_IsTheNewest()
    {
        var reference = WithTwoVersions();

        Assert.Equal(2, reference.PolicyAt(V2From).Version);
    }

    [Fact]
    public void PolicyAt_BeforeTheFirstTakesEffect_IsTheFirst()
    {
        var reference = WithTwoVersions();

        Assert.Equal(1, reference.PolicyAt(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)).Version);
    }

    [Fact]
    public void ReplacePolicies_KeepsTheMapAndCategories()
    {
        var reference = DemoCity.Reference();
        var map = reference.Map;

        reference.ReplacePolicies([DemoCity.Load().Policy, Version2()]);

        Assert.Same(map, reference.Map);
        Assert.Equal(2, reference.CurrentPolicy.Version);
    }

    private static ReferenceData WithTwoVersions()
    {
        var reference = DemoCity.Reference();
        reference.ReplacePolicies([Version2(), DemoCity.Load().Policy]);
        return reference;
    }

    private static EscalationPolicy Version2()
    {
        var v1 = DemoCity.Load().Policy;
        return new EscalationPolicy(2, "v2", V2From, v1.Ladder, v1.LateReportLimits, v1.Rules, v1.FollowUpCadence);
    }
}
