namespace CommandCenter.Infrastructure.Monitoring;

/// <summary>Settings of the monitoring jobs (section <c>Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    /// <summary>A grid with no report and no check-in for this many hours is silent (<c>Monitoring:SilentGridHours</c>).</summary>
    public double SilentGridHours { get; set; } = 8;

    /// <summary>The limit at the store's precision (whole milliseconds), so the moment a grid falls silent is stored exactly.</summary>
    public TimeSpan SilentAfter => TimeSpan.FromMilliseconds(Math.Round(SilentGridHours * 3_600_000));
}
