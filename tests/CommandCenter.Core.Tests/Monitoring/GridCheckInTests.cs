using CommandCenter.Core.Monitoring;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Monitoring;

public class GridCheckInTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Record_InAGrid_KeepsTheGridTheTrimmedNameAndTheTime()
    {
        var grid = DemoCity.Map().Find(DemoCity.GridCode(0, 0, 1))!;

        var checkIn = GridCheckIn.Record(grid, "  张伟 ", _now);

        Assert.Equal((grid.Code, "张伟", _now), (checkIn.GridCode, checkIn.WorkerName, checkIn.At));
    }

    [Fact]
    public void Record_InACommunity_Throws()
    {
        var community = DemoCity.Map().Find(DemoCity.GridCode(0, 0, 1)[..12])!;

        Assert.Throws<DomainRuleException>(() => GridCheckIn.Record(community, "张伟", _now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一")]
    public void Record_WithoutAUsableName_Throws(string name)
    {
        var grid = DemoCity.Map().Find(DemoCity.GridCode(0, 0, 1))!;

        Assert.Throws<DomainRuleException>(() => GridCheckIn.Record(grid, name, _now));
    }
}

public class GridSilenceTests
{
    private static readonly DateTimeOffset _watchedSince = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan _limit = TimeSpan.FromHours(8);

    [Fact]
    public void SilentFrom_ActivityAfterWatchingBegan_CountsFromTheActivity()
    {
        var last = _watchedSince.AddHours(3);

        Assert.Equal(last + _limit, GridSilence.SilentFrom(last, _watchedSince, _limit));
    }

    [Fact]
    public void SilentFrom_NeverHeardFrom_CountsFromWhenWatchingBegan()
    {
        Assert.Equal(_watchedSince + _limit, GridSilence.SilentFrom(null, _watchedSince, _limit));
    }

    [Fact]
    public void SilentFrom_ActivityBeforeWatchingBegan_CountsFromWhenWatchingBegan()
    {
        Assert.Equal(_watchedSince + _limit, GridSilence.SilentFrom(_watchedSince.AddDays(-1), _watchedSince, _limit));
    }

    [Fact]
    public void IsSilent_ExactlyAtTheLimit_IsSilent()
    {
        var last = _watchedSince.AddHours(1);

        Assert.False(GridSilence.IsSilent(last, _watchedSince, _limit, last + _limit - TimeSpan.FromMilliseconds(1)));
        Assert.True(GridSilence.IsSilent(last, _watchedSince, _limit, last + _limit));
    }

    [Fact]
    public void SilentFrom_NoLimit_Throws()
    {
        Assert.Throws<DomainRuleException>(() => GridSilence.SilentFrom(null, _watchedSince, TimeSpan.Zero));
    }
}
