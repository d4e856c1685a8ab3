using CommandCenter.Core.Metrics;

namespace CommandCenter.Core.Tests.Metrics;

public sealed class MetricPointTests
{
    private static readonly DateTimeOffset _at = new(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Constructor_KeepsTimestampInUtcAtMilliseconds()
    {
        var point = MetricPoint.Occurrence("alert_events", new Dictionary<string, string>(), _at.AddTicks(12_345));

        Assert.Equal(TimeSpan.Zero, point.Timestamp.Offset);
        Assert.Equal(_at.AddTicks(10_000), point.Timestamp);
    }

    [Fact]
    public void Occurrence_HasTheCountFieldSetToOne()
    {
        var point = MetricPoint.Occurrence("alert_events", new Dictionary<string, string> { ["town"] = "330188001" }, _at);

        Assert.Equal(1, point.Fields[MetricPoint.CountField]);
        Assert.Equal("330188001", point.Tags["town"]);
    }

    [Fact]
    public void Constructor_TagValueWithSeparatorsAndNewlines_IsKeptAsItIs()
    {
        const string value = "湖滨 街道, a=b\n\"x\" 'y' \\z";

        var point = MetricPoint.Occurrence("alert_events", new Dictionary<string, string> { ["grid"] = value }, _at);

        Assert.Equal(value, point.Tags["grid"]);
    }

    [Fact]
    public void Constructor_CopiesTheDictionaries()
    {
        var tags = new Dictionary<string, string> { ["town"] = "a" };

        var point = MetricPoint.Occurrence("alert_events", tags, _at);
        tags["town"] = "b";

        Assert.Equal("a", point.Tags["town"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1st")]
    [InlineData("alert events")]
    [InlineData("alert-events")]
    [InlineData("time")]
    [InlineData("事件")]
    public void Constructor_BadMeasurement_IsRefused(string measurement)
    {
        var error = Assert.Throws<ArgumentException>(() => MetricPoint.Occurrence(measurement, new Dictionary<string, string>(), _at));

        Assert.Contains("measurement", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EmptyTagValue_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => MetricPoint.Occurrence("alert_events", new Dictionary<string, string> { ["grid"] = "" }, _at));

        Assert.Contains("grid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TooLongTagValue_IsRefused()
    {
        Assert.Throws<ArgumentException>(() =>
            MetricPoint.Occurrence("alert_events", new Dictionary<string, string> { ["grid"] = new string('x', MetricPoint.MaxTagValueLength + 1) }, _at));
    }

    [Fact]
    public void Constructor_NoField_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new MetricPoint("alert_events", new Dictionary<string, string>(), new Dictionary<string, double>(), _at));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_NonFiniteField_IsRefused(double value)
    {
        Assert.Throws<ArgumentException>(() =>
            new MetricPoint("latency", new Dictionary<string, string>(), new Dictionary<string, double> { ["ms"] = value }, _at));
    }

    [Fact]
    public void Constructor_NameUsedAsTagAndField_IsRefused()
    {
        Assert.Throws<ArgumentException>(() =>
            new MetricPoint("latency", new Dictionary<string, string> { ["ms"] = "x" }, new Dictionary<string, double> { ["ms"] = 1 }, _at));
    }

    [Fact]
    public void Constructor_BeforeTheEpoch_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            MetricPoint.Occurrence("alert_events", new Dictionary<string, string>(), new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero)));
    }
}
