using CommandCenter.Core.Metrics;

namespace CommandCenter.Core.Tests.Metrics;

public sealed class MetricQueryTests
{
    private static readonly DateTimeOffset _from = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EnsureValid_TypicalQuery_Passes()
    {
        var query = new MetricQuery("alert_events", MetricPoint.CountField, MetricAggregate.Count, _from, _from.AddDays(1))
        {
            Bucket = TimeSpan.FromMinutes(5),
            GroupBy = "category",
            Where = new Dictionary<string, string> { ["town"] = "330188001" },
        };

        query.EnsureValid();

        Assert.Equal(300_000, query.BucketMilliseconds);
    }

    [Fact]
    public void EnsureValid_EmptyRange_IsRefused()
    {
        var query = new MetricQuery("alert_events", "count", MetricAggregate.Count, _from, _from);

        Assert.Throws<ArgumentException>(query.EnsureValid);
    }

    [Fact]
    public void EnsureValid_SubMillisecondBucket_IsRefused()
    {
        var query = new MetricQuery("alert_events", "count", MetricAggregate.Count, _from, _from.AddHours(1)) { Bucket = TimeSpan.FromTicks(15_000) };

        Assert.Throws<ArgumentException>(query.EnsureValid);
    }

    [Fact]
    public void EnsureValid_TooManyBuckets_IsRefused()
    {
        var query = new MetricQuery("alert_events", "count", MetricAggregate.Count, _from, _from.AddDays(365)) { Bucket = TimeSpan.FromSeconds(1) };

        var error = Assert.Throws<ArgumentException>(query.EnsureValid);

        Assert.Contains("buckets", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureValid_BadGroupByTag_IsRefused()
    {
        var query = new MetricQuery("alert_events", "count", MetricAggregate.Count, _from, _from.AddHours(1)) { GroupBy = "town\"; DROP" };

        Assert.Throws<ArgumentException>(query.EnsureValid);
    }

    [Fact]
    public void EnsureValid_EmptyFilterValue_IsRefused()
    {
        var query = new MetricQuery("alert_events", "count", MetricAggregate.Count, _from, _from.AddHours(1))
        {
            Where = new Dictionary<string, string> { ["town"] = "" },
        };

        Assert.Throws<ArgumentException>(query.EnsureValid);
    }
}
