namespace CommandCenter.Core.Teams;

/// <summary>How long a team may stay in a status before it needs attention (amber) and before it is a problem (red).</summary>
public sealed record StatusThreshold(TimeSpan Warn, TimeSpan Alert);

/// <summary>Per-status thresholds, as in CAD systems (e.g. on scene for over an hour → amber).</summary>
public sealed class TeamStatusThresholds
{
    public Dictionary<TeamStatus, StatusThreshold> ByStatus { get; init; } = new()
    {
        [TeamStatus.Dispatched] = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)),
        [TeamStatus.EnRoute] = new(TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(40)),
        [TeamStatus.OnScene] = new(TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(120)),
        [TeamStatus.Returning] = new(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60)),
    };

    /// <summary>The level for a team that has been in <paramref name="status"/> for <paramref name="elapsed"/>.</summary>
    public ThresholdLevel Level(TeamStatus status, TimeSpan elapsed) =>
        !ByStatus.TryGetValue(status, out var threshold) ? ThresholdLevel.Normal
        : elapsed >= threshold.Alert ? ThresholdLevel.Alert
        : elapsed >= threshold.Warn ? ThresholdLevel.Warn
        : ThresholdLevel.Normal;
}

public enum ThresholdLevel
{
    Normal,
    Warn,
    Alert,
}
