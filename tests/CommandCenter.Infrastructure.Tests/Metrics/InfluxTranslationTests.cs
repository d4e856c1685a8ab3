using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Metrics.InfluxDB;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>How points become line protocol and queries become InfluxQL (the server tests prove the round trip).</summary>
public sealed class InfluxTranslationTests
{
    private static readonly DateTimeOffset _at = new(2026, 11, 27, 2, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void ToLine_EscapesWithPointDataAndCarriesTheIdentityInTheNanoseconds()
    {
        var point = MetricPoint.Occurrence("alert_events", new Dictionary<string, string> { ["grid"] = "a b,c=d" }, _at);

        var line = InfluxLines.ToLine(1_234_567, 3, point);

        // writer 3 × 10,000 + row id 1,234,567 mod 10,000
        Assert.Equal($"alert_events,grid=a\\ b\\,c\\=d count=1 {(_at.ToUnixTimeMilliseconds() * 1_000_000) + 34_567}", line);
    }

    [Fact]
    public void ToLine_SameRowTwice_GivesTheSameLine()
    {
        var point = MetricPoint.Occurrence("alert_events", new Dictionary<string, string> { ["town"] = "330188001" }, _at);

        var (first, again) = (InfluxLines.ToLine(42, 0, point), InfluxLines.ToLine(42, 0, point));

        // Pinned to the exact line: comparing two calls with each other would pass a line built from the clock.
        Assert.Equal($"alert_events,town=330188001 count=1 {(_at.ToUnixTimeMilliseconds() * 1_000_000) + 42}", first);
        Assert.Equal(first, again);
        Assert.NotEqual(first, InfluxLines.ToLine(43, 0, point));
    }

    [Fact]
    public void ToLine_TheSameRowIdFromTwoServersOutboxes_GivesTwoPoints()
    {
        var point = MetricPoint.Occurrence("alert_events", new Dictionary<string, string> { ["town"] = "330188001" }, _at);

        Assert.NotEqual(InfluxLines.ToLine(1, 0, point), InfluxLines.ToLine(1, 1, point));
    }

    [Fact]
    public void IdentityTimestamp_StaysWithinThePointsMillisecond()
    {
        var ns = InfluxLines.IdentityTimestamp(long.MaxValue, InfluxLines.Writers - 1, _at);

        Assert.Equal(_at.ToUnixTimeMilliseconds(), ns / 1_000_000);
    }

    [Theory]
    [InlineData("plain 湖滨", "plain 湖滨")]
    [InlineData("a\nb", "a%0Ab")]
    [InlineData("tail\\", "tail%5C")]
    [InlineData("100%", "100%25")]
    [InlineData("\r\t", "%0D%09")]
    public void TagCodec_EncodesOnlyWhatLineProtocolCannotCarry(string value, string encoded)
    {
        Assert.Equal(encoded, InfluxTagCodec.Encode(value));
        Assert.Equal(value, InfluxTagCodec.Decode(encoded));
    }

    [Fact]
    public void TagCodec_DecodeOfAForeignPercent_KeepsItAsItIs()
    {
        Assert.Equal("50%off %zz %", InfluxTagCodec.Decode("50%off %zz %"));
    }

    [Fact]
    public void Translate_CountPerBucketByTagWithFilter_IsOneGroupedStatement()
    {
        var query = new MetricQuery("alert_events", "count", MetricAggregate.Count, _at, _at.AddHours(1))
        {
            Bucket = TimeSpan.FromMinutes(5),
            GroupBy = "category",
            Where = new Dictionary<string, string> { ["town"] = "330188001" },
        };

        var from = _at.ToUnixTimeMilliseconds() * 1_000_000;
        var to = _at.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000;
        Assert.Equal(
            $"SELECT COUNT(\"count\") AS \"value\" FROM \"alert_events\" WHERE time >= {from} AND time < {to} AND \"town\"::tag = '330188001' GROUP BY time(300000ms), \"category\" fill(none)",
            InfluxQueryTranslator.Translate(query));
    }

    [Fact]
    public void Translate_MeanWithoutBucket_HasNoTimeGroupingOrFill()
    {
        var query = new MetricQuery("ack_latency", "seconds", MetricAggregate.Mean, _at, _at.AddHours(1)) { GroupBy = "town" };

        var influxql = InfluxQueryTranslator.Translate(query);

        Assert.StartsWith("SELECT MEAN(\"seconds\") AS \"value\" FROM \"ack_latency\"", influxql, StringComparison.Ordinal);
        Assert.EndsWith(" GROUP BY \"town\"", influxql, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_FilterValueWithQuotesAndBackslashes_IsEscapedInsideItsLiteral()
    {
        var query = new MetricQuery("alert_events", "count", MetricAggregate.Count, _at, _at.AddHours(1))
        {
            Where = new Dictionary<string, string> { ["grid"] = "it's \"x\" a\\b" },
        };

        Assert.Contains("\"grid\"::tag = 'it\\'s \"x\" a%5Cb'", InfluxQueryTranslator.Translate(query), StringComparison.Ordinal);
    }

    [Fact]
    public void Identifier_EscapesQuotesAndBackslashes()
    {
        Assert.Equal("\"a\\\"b\\\\c\"", InfluxQueryTranslator.Identifier("a\"b\\c"));
    }
}
