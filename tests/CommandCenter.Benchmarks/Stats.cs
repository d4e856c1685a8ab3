using System.Diagnostics;

namespace CommandCenter.Benchmarks;

/// <summary>Percentiles of a sample (nearest rank), in the sample's unit.</summary>
public sealed record Distribution(int Count, double P50, double P95, double P99, double Max)
{
    public static Distribution Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Sorts <paramref name="values"/> in place.</summary>
    public static Distribution Of(double[] values) => Of(values.AsSpan());

    public static Distribution Of(Span<double> values)
    {
        if (values.Length == 0)
        {
            return Empty;
        }

        values.Sort();
        return new Distribution(values.Length, Rank(values, 0.50), Rank(values, 0.95), Rank(values, 0.99), values[^1]);
    }

    public static double Median(IEnumerable<double> values) => Of([.. values]).P50;

    private static double Rank(Span<double> sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}

public static class Ticks
{
    public static double ToMilliseconds(long stopwatchTicks) => stopwatchTicks * 1000.0 / Stopwatch.Frequency;

    public static long FromSeconds(double seconds) => (long)(seconds * Stopwatch.Frequency);
}
