using System.Globalization;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Core.Tests.Petitions;

public class PetitionWarningTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private static readonly NodePath _gridPath = new("330188", "330188004", "330188004003", DemoCity.GridCode(3, 2, 6));
    private static readonly NodePath _communityPath = _gridPath with { GridCode = null };
    private static readonly IReadOnlyDictionary<PetitionStage, TimeSpan> _cadence = DemoCity.Load().Policy.FollowUpCadence;

    [Fact]
    public void Open_FromGrid_TakesTheGridAsOrigin()
    {
        var warning = Open(_gridPath);

        Assert.Equal(_gridPath.GridCode, warning.OriginCode);
        Assert.Equal(_gridPath, warning.Path("330188"));
    }

    [Fact]
    public void Open_FromCommunity_TakesTheCommunityAsOrigin()
    {
        var warning = Open(_communityPath);

        Assert.Equal(_communityPath.CommunityCode, warning.OriginCode);
        Assert.Null(warning.GridCode);
    }

    [Fact]
    public void Open_NewWarning_StartsAtGivenStageWithNoFollowUps()
    {
        var warning = Open(_gridPath, PetitionStage.Gathering);

        Assert.Equal(PetitionStage.Gathering, warning.Stage);
        Assert.Equal(1, warning.Version);
        Assert.Equal(_now, warning.LastFollowUpAt);
        Assert.Empty(warning.FollowUps);
        Assert.True(warning.IsActive);
    }

    [Fact]
    public void Open_FromTownOnly_Throws()
    {
        var townOnly = new NodePath("330188", "330188004", null, null);

        Assert.Throws<DomainRuleException>(() => Open(townOnly));
    }

    [Fact]
    public void Open_FromCityOnly_Throws()
    {
        var cityOnly = new NodePath("330188", null, null, null);

        Assert.Throws<DomainRuleException>(() => Open(cityOnly));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(100_001)]
    public void Open_HeadcountOutOfRange_Throws(int headcount)
    {
        var ex = Assert.Throws<DomainRuleException>(() => Open(_gridPath, headcount: headcount));

        Assert.Contains(headcount.ToString(CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100_000)]
    public void Open_HeadcountAtLimit_IsAccepted(int headcount)
    {
        var warning = Open(_gridPath, headcount: headcount);

        Assert.Equal(headcount, warning.EstimatedHeadcount);
    }

    [Fact]
    public void AddFollowUp_LaterStage_MovesForward()
    {
        var warning = Open(_gridPath, PetitionStage.Brewing);

        warning.AddFollowUp(new NewFollowUp("人员开始聚集", PetitionStage.Gathering), _now.AddMinutes(20));

        Assert.Equal(PetitionStage.Gathering, warning.Stage);
    }

    [Fact]
    public void AddFollowUp_LaterStage_RecordsFromAndToStage()
    {
        var warning = Open(_gridPath, PetitionStage.Gathering);

        var entry = warning.AddFollowUp(new NewFollowUp("已上车出发", PetitionStage.Moving), _now.AddMinutes(20));

        Assert.Equal(PetitionStage.Gathering, entry.FromStage);
        Assert.Equal(PetitionStage.Moving, entry.ToStage);
        Assert.Same(entry, Assert.Single(warning.FollowUps));
    }

    [Fact]
    public void AddFollowUp_WithHeadcount_UpdatesHeadcountOnWarningAndEntry()
    {
        var warning = Open(_gridPath, headcount: 20);

        var entry = warning.AddFollowUp(new NewFollowUp("人数增加", EstimatedHeadcount: 45), _now.AddMinutes(20));

        Assert.Equal(45, warning.EstimatedHeadcount);
        Assert.Equal(45, entry.EstimatedHeadcount);
    }

    [Fact]
    public void AddFollowUp_WithoutHeadcountOrStage_KeepsThem()
    {
        var warning = Open(_gridPath, PetitionStage.Gathering, headcount: 20);

        var entry = warning.AddFollowUp(new NewFollowUp("情况稳定"), _now.AddMinutes(20));

        Assert.Equal(PetitionStage.Gathering, warning.Stage);
        Assert.Equal(PetitionStage.Gathering, entry.ToStage);
        Assert.Equal(20, warning.EstimatedHeadcount);
    }

    [Fact]
    public void AddFollowUp_Any_StampsLastFollowUpAtAndBumpsVersion()
    {
        var warning = Open(_gridPath);

        warning.AddFollowUp(new NewFollowUp("续报"), _now.AddMinutes(20));

        Assert.Equal(_now.AddMinutes(20), warning.LastFollowUpAt);
        Assert.Equal(_now.AddMinutes(20), warning.UpdatedAt);
        Assert.Equal(2, warning.Version);
    }

    [Fact]
    public void AddFollowUp_WithAttention_ChangesAttention()
    {
        var warning = Open(_gridPath);

        warning.AddFollowUp(new NewFollowUp("升级关注", Attention: AttentionLevel.High), _now.AddMinutes(20));

        Assert.Equal(AttentionLevel.High, warning.Attention);
    }

    [Fact]
    public void AddFollowUp_EarlierStage_Throws()
    {
        var warning = Open(_gridPath, PetitionStage.Moving);

        var ex = Assert.Throws<DomainRuleException>(
            () => warning.AddFollowUp(new NewFollowUp("人员散去", PetitionStage.Gathering), _now.AddMinutes(20)));

        Assert.Contains("Moving", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Gathering", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddFollowUp_EarlierStage_LeavesWarningUnchanged()
    {
        var warning = Open(_gridPath, PetitionStage.Moving);

        Assert.Throws<DomainRuleException>(
            () => warning.AddFollowUp(new NewFollowUp("人员散去", PetitionStage.Brewing), _now.AddMinutes(20)));

        Assert.Equal(PetitionStage.Moving, warning.Stage);
        Assert.Empty(warning.FollowUps);
        Assert.Equal(1, warning.Version);
    }

    [Theory]
    [InlineData(PetitionStage.Brewing)]
    [InlineData(PetitionStage.Gathering)]
    [InlineData(PetitionStage.Moving)]
    [InlineData(PetitionStage.Arrived)]
    public void AddFollowUp_DefusedFromAnyStage_EndsTheWarning(PetitionStage stage)
    {
        var warning = Open(_gridPath, stage);

        warning.AddFollowUp(new NewFollowUp("已劝返化解", PetitionStage.Defused), _now.AddMinutes(20));

        Assert.Equal(PetitionStage.Defused, warning.Stage);
        Assert.False(warning.IsActive);
    }

    [Fact]
    public void AddFollowUp_AfterDefused_Throws()
    {
        var warning = Open(_gridPath);
        warning.AddFollowUp(new NewFollowUp("已化解", PetitionStage.Defused), _now.AddMinutes(20));

        Assert.Throws<DomainRuleException>(() => warning.AddFollowUp(new NewFollowUp("补充说明"), _now.AddMinutes(30)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void AddFollowUp_HeadcountOutOfRange_ThrowsAndKeepsHeadcount(int headcount)
    {
        var warning = Open(_gridPath, headcount: 20);

        Assert.Throws<DomainRuleException>(
            () => warning.AddFollowUp(new NewFollowUp("人数", EstimatedHeadcount: headcount), _now.AddMinutes(20)));
        Assert.Equal(20, warning.EstimatedHeadcount);
    }

    [Fact]
    public void IsFollowUpOverdue_ExactlyAtCadence_IsFalse()
    {
        var warning = Open(_gridPath, PetitionStage.Gathering);

        Assert.False(warning.IsFollowUpOverdue(_cadence, _now + _cadence[PetitionStage.Gathering]));
    }

    [Fact]
    public void IsFollowUpOverdue_PastCadence_IsTrue()
    {
        var time = new FakeTimeProvider(_now);
        var warning = Open(_gridPath, PetitionStage.Gathering);

        time.Advance(_cadence[PetitionStage.Gathering] + TimeSpan.FromMilliseconds(1));

        Assert.True(warning.IsFollowUpOverdue(_cadence, time.GetUtcNow()));
    }

    [Fact]
    public void IsFollowUpOverdue_CadenceFollowsTheStage()
    {
        // Seed cadence: Brewing every 240 min, Moving every 15 min.
        var brewing = Open(_gridPath, PetitionStage.Brewing);
        var moving = Open(_gridPath, PetitionStage.Moving);
        var at = _now.AddMinutes(60);

        Assert.False(brewing.IsFollowUpOverdue(_cadence, at));
        Assert.True(moving.IsFollowUpOverdue(_cadence, at));
    }

    [Fact]
    public void IsFollowUpOverdue_ClockRestartsAtEachFollowUp()
    {
        var warning = Open(_gridPath, PetitionStage.Moving);
        warning.AddFollowUp(new NewFollowUp("仍在途中"), _now.AddMinutes(14));

        Assert.False(warning.IsFollowUpOverdue(_cadence, _now.AddMinutes(20)));
    }

    [Fact]
    public void IsFollowUpOverdue_DefusedWarning_IsFalse()
    {
        var warning = Open(_gridPath, PetitionStage.Moving);
        warning.AddFollowUp(new NewFollowUp("已化解", PetitionStage.Defused), _now);

        Assert.False(warning.IsFollowUpOverdue(_cadence, _now.AddDays(3)));
    }

    private static PetitionWarning Open(NodePath origin, PetitionStage stage = PetitionStage.Brewing, int headcount = 30)
    {
        var report = new NewPetitionWarning(
            AlertSource.GridWorker,
            "PW-1",
            origin.GridCode ?? origin.CommunityCode ?? origin.TownCode ?? origin.CityCode,
            "市政府",
            "工资拖欠",
            headcount,
            AttentionLevel.Elevated,
            stage);
        return PetitionWarning.Open(report, origin, policyVersion: 1, Guid.NewGuid(), _now);
    }
}
