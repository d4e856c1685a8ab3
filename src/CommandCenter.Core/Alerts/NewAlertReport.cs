using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Core.Alerts;

/// <summary>A point on the map: latitude (Y) and longitude (X), WGS-84 degrees.</summary>
public sealed record GeoPoint(double Latitude, double Longitude);

/// <summary>
/// A report of a grid event as it arrives from any channel (API, simulator), already parsed. Either
/// <see cref="GridCode"/> or <see cref="Location"/> places it.
/// </summary>
public sealed record NewAlertReport(
    AlertSource Source,
    string ExternalId,
    string CategoryCode,
    Severity Severity,
    string? GridCode,
    GeoPoint? Location,
    DateTimeOffset OccurredAt,
    string Title,
    string? Description = null,
    Person? Reporter = null);

/// <summary>One incoming report, kept for idempotency ((source, external id) is unique) and for tracing who reported what.</summary>
public sealed class AlertReport
{
    public long Id { get; init; }

    public required Guid AlertId { get; init; }

    public required AlertSource Source { get; init; }

    public required string ExternalId { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public string? ReporterName { get; init; }
}

/// <summary>What ingesting a report did.</summary>
public enum IngestOutcome
{
    /// <summary>A new alert was raised.</summary>
    Created,

    /// <summary>The same (source, external id) was seen before; nothing changed.</summary>
    Duplicate,

    /// <summary>Same grid and category within the window of an open alert: merged, repeat count + 1.</summary>
    Merged,
}

/// <summary>Limits on incoming reports, shared by the API's validation and the domain's guards.</summary>
public static class IngestionLimits
{
    public const int ExternalIdMaxLength = 100;
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 4000;
    public const int NameMaxLength = 50;
    public const int PhoneMaxLength = 30;
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>A reporter's clock may run this far ahead of ours.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Older events are history, not alerts.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);
}
