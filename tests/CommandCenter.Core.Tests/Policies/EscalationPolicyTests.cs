using CommandCenter.Core.Alerts;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Policies;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Policies;

public class EscalationPolicyTests
{
    private static readonly EscalationPolicy _policy = DemoCity.Load().Policy;
    private static readonly CategoryTree _categories = DemoCity.Categories();
    private static readonly DateTimeOffset _occurredAt = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FindGaps_SeedPolicyAndCategories_IsEmpty()
    {
        Assert.Empty(_policy.FindGaps(_categories));
    }

    [Fact]
    public void FindGaps_RootRuleMissing_NamesEveryCategoryLeftWithout()
    {
        var rules = _policy.Rules.Where(r => !(r.CategoryCode == "05" && r.Severity == Severity.Major));
        var policy = NewPolicy(rules);

        var gaps = policy.FindGaps(_categories);

        // 05 公共设施 and its five children have no Major rule of their own.
        Assert.Equal(6, gaps.Count);
        Assert.All(gaps, gap => Assert.Contains("× Major", gap, StringComparison.Ordinal));
        Assert.Contains(gaps, gap => gap.StartsWith("category 05 ", StringComparison.Ordinal));
    }

    [Fact]
    public void DeadlinesFor_LeafWithOverride_UsesTheOverride()
    {
        // policies.json: 0601 火灾 × Critical is 3/5/90/30 min; its parent 06 × Critical is 5/10/120/60.
        var deadlines = _policy.DeadlinesFor("0601", Severity.Critical, _categories);

        Assert.Equal(Minutes(3, 5, 90, 30), deadlines);
    }

    [Fact]
    public void DeadlinesFor_LeafWithoutOverride_InheritsParent()
    {
        var deadlines = _policy.DeadlinesFor("0602", Severity.Critical, _categories);

        Assert.Equal(_policy.DeadlinesFor("06", Severity.Critical, _categories), deadlines);
        Assert.Equal(Minutes(5, 10, 120, 60), deadlines);
    }

    [Fact]
    public void DeadlinesFor_LeafOverridingOtherSeverities_InheritsParentForThisOne()
    {
        // 0603 群体性事件 overrides only Serious and Critical.
        var deadlines = _policy.DeadlinesFor("0603", Severity.General, _categories);

        Assert.Equal(_policy.DeadlinesFor("06", Severity.General, _categories), deadlines);
    }

    [Fact]
    public void DeadlinesFor_UnknownCategory_Throws()
    {
        var ex = Assert.Throws<DomainRuleException>(() => _policy.DeadlinesFor("9999", Severity.General, _categories));

        Assert.Contains("9999", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsLateReport_ExactlyAtLimit_IsFalse()
    {
        var limit = _policy.LateReportLimits[Severity.General];

        Assert.False(_policy.IsLateReport(Severity.General, _occurredAt, _occurredAt + limit));
    }

    [Fact]
    public void IsLateReport_BeyondLimit_IsTrue()
    {
        var limit = _policy.LateReportLimits[Severity.General];

        Assert.True(_policy.IsLateReport(Severity.General, _occurredAt, _occurredAt + limit + TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public void IsLateReport_SameDelay_DependsOnSeverity()
    {
        // Seed limits: General 120 min, Critical 15 min.
        var reportedAt = _occurredAt.AddMinutes(20);

        Assert.False(_policy.IsLateReport(Severity.General, _occurredAt, reportedAt));
        Assert.True(_policy.IsLateReport(Severity.Critical, _occurredAt, reportedAt));
    }

    [Fact]
    public void Constructor_DuplicateRule_Throws()
    {
        var rules = _policy.Rules.ToList();
        var duplicate = rules.First(r => r.CategoryCode == "0601");

        var ex = Assert.Throws<DomainRuleException>(() => NewPolicy([.. rules, duplicate]));

        Assert.Contains($"0601 × {duplicate.Severity}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_VersionZero_Throws()
    {
        Assert.Throws<DomainRuleException>(() => NewPolicy(_policy.Rules, version: 0));
    }

    private static StageDeadlines Minutes(int acknowledge, int dispatch, int handle, int verify) => new(
        TimeSpan.FromMinutes(acknowledge),
        TimeSpan.FromMinutes(dispatch),
        TimeSpan.FromMinutes(handle),
        TimeSpan.FromMinutes(verify));

    private static EscalationPolicy NewPolicy(IEnumerable<DeadlineRule> rules, int version = 2) => new(
        version,
        "测试策略",
        _occurredAt,
        [NodeLevel.Grid, NodeLevel.Community, NodeLevel.Town, NodeLevel.City],
        _policy.LateReportLimits,
        rules,
        new Dictionary<PetitionStage, TimeSpan>());
}
