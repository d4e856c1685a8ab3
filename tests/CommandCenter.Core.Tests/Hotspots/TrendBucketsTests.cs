using CommandCenter.Core.Hotspots;
using CommandCenter.Core.Metrics;

namespace CommandCenter.Core.Tests.Hotspots;

public class TrendBucketsTests
{
    private static readonly DateTimeOffset _t = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 5)]
    [InlineData(6, 15)]
    [InlineData(24, 60)]
    [InlineData(168, 360)]
    public void WidthFor_ThePresetPeriods_GiveRoundBuckets(int hours, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), TrendBuckets.WidthFor(TimeSpan.FromHours(hours)));
    }

    [Fact]
    public void WidthFor_AVeryLongPeriod_StaysWithinTheBucketLimit()
    {
        var width = TrendBuckets.WidthFor(TimeSpan.FromDays(400));

        Assert.True(TimeSpan.FromDays(400) / width <= 30);
    }

    [Fact]
    public void Lay_ValuesAtAlignedBucketStarts_LandInTheirBucketPerGroup()
    {
        var from = _t.AddMinutes(7); // 02:07: its 5-minute bucket starts at 02:05
        var values = new[]
        {
            new MetricValue(_t.AddMinutes(5), "01", 2),
            new MetricValue(_t.AddMinutes(10), "01", 1),
            new MetricValue(_t.AddMinutes(20), "02", 4),
        };
        var count = TrendBuckets.CountFor(from, from.AddMinutes(20), TimeSpan.FromMinutes(5));

        var laid = TrendBuckets.Lay(values, from, TimeSpan.FromMinutes(5), count);

        Assert.Equal(5, count); // 02:05, 02:10, 02:15, 02:20, 02:25
        Assert.Equal([2, 1, 0, 0, 0], laid["01"]);
        Assert.Equal([0, 0, 0, 4, 0], laid["02"]);
    }

    [Fact]
    public void AlignDown_IsTheEpochAlignedBucketStart()
    {
        Assert.Equal(_t, TrendBuckets.AlignDown(_t.AddMinutes(59), TimeSpan.FromHours(1)));
        Assert.Equal(_t, TrendBuckets.AlignDown(_t, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void CategoryTrend_Change_AgainstThePeriodBefore()
    {
        Assert.Equal(0.5, new CategoryTrend("01", [1, 2], [1, 1]).Change);
        Assert.Null(new CategoryTrend("01", [1, 2], [0, 0]).Change);
        Assert.Equal(-1, new CategoryTrend("01", [0, 0], [3, 0]).Change);
    }
}
