namespace CommandCenter.Core.Alerts;

/// <summary>Event severity: 一般, 较大, 重大, 特别重大.</summary>
public enum Severity
{
    General = 0,
    Major = 1,
    Serious = 2,
    Critical = 3,
}

/// <summary>The channel a report came through.</summary>
public enum AlertSource
{
    GridWorker,
    Public,
    Hotline,
    Video,
    Sensor,
}
