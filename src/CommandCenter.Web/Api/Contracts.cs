using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;

namespace CommandCenter.Web.Api;

// The API's wire shapes. Requests are loose (strings, nullables) so validation can name every bad field;
// responses are exact.

public sealed record LocationDto(double? Lat, double? Lon);

public sealed record PersonDto(string? Name, string? Phone);

public sealed record AlertReportRequest(
    string? Source,
    string? ExternalId,
    string? Category,
    string? Severity,
    string? GridCode,
    LocationDto? Location,
    string? OccurredAt,
    string? Title,
    string? Description,
    PersonDto? Reporter);

public sealed record AlertDto(
    Guid Id,
    AlertState State,
    string Category,
    string CategoryName,
    Severity Severity,
    AlertSource Source,
    string ExternalId,
    string GridCode,
    string GridName,
    string CommunityCode,
    string TownCode,
    LocationDto? Location,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReportedAt,
    DateTimeOffset LastReportedAt,
    string Title,
    string? Description,
    PersonDto? Reporter,
    int RepeatCount,
    bool IsLateReport,
    int PolicyVersion,
    DateTimeOffset UpdatedAt,
    long Version,
    string? HandlerName,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? StageDeadline,
    bool IsOverdue,
    int EscalationLevel)
{
    public static AlertDto From(Alert a, ReferenceData reference) => new(
        a.Id, a.State, a.CategoryCode, reference.Categories.Find(a.CategoryCode)?.Name ?? a.CategoryCode, a.Severity, a.Source, a.ExternalId,
        a.GridCode, reference.Map.Find(a.GridCode)?.Name ?? a.GridCode, a.CommunityCode, a.TownCode,
        a.Latitude is { } lat && a.Longitude is { } lon ? new LocationDto(lat, lon) : null,
        a.OccurredAt, a.ReportedAt, a.LastReportedAt, a.Title, a.Description,
        a.ReporterName is null ? null : new PersonDto(a.ReporterName, a.ReporterPhone),
        a.RepeatCount, a.IsLateReport, a.PolicyVersion, a.UpdatedAt, a.Version,
        a.HandlerName, a.AcknowledgedAt, a.StageDeadline, a.IsOverdue, a.EscalationLevel);
}

public sealed record PetitionWarningRequest(
    string? Source,
    string? ExternalId,
    string? OriginCode,
    string? Destination,
    string? Subject,
    int? EstimatedHeadcount,
    string? AttentionLevel,
    string? Stage,
    PersonDto? Reporter);

public sealed record FollowUpRequest(string? Text, string? Stage, int? EstimatedHeadcount, string? AttentionLevel, PersonDto? Reporter);

public sealed record FollowUpDto(DateTimeOffset At, string Text, string? ReporterName, PetitionStage FromStage, PetitionStage ToStage, int EstimatedHeadcount);

public sealed record PetitionWarningDto(
    Guid Id,
    AlertSource Source,
    string ExternalId,
    string OriginCode,
    string OriginName,
    string TownCode,
    string? CommunityCode,
    string Destination,
    string Subject,
    int EstimatedHeadcount,
    AttentionLevel AttentionLevel,
    PetitionStage Stage,
    DateTimeOffset ReportedAt,
    DateTimeOffset LastFollowUpAt,
    int PolicyVersion,
    IReadOnlyList<FollowUpDto> FollowUps)
{
    public static PetitionWarningDto From(PetitionWarning w, ReferenceData reference) => new(
        w.Id, w.Source, w.ExternalId, w.OriginCode, reference.Map.Find(w.OriginCode)?.Name ?? w.OriginCode, w.TownCode, w.CommunityCode,
        w.Destination, w.Subject, w.EstimatedHeadcount, w.Attention, w.Stage, w.ReportedAt, w.LastFollowUpAt, w.PolicyVersion,
        [.. w.FollowUps.OrderBy(f => f.At).Select(f => new FollowUpDto(f.At, f.Text, f.ReporterName, f.FromStage, f.ToStage, f.EstimatedHeadcount))]);
}

public sealed record TeamStatusRequest(string? Status, Guid? AlertId, LocationDto? Location, string? Comment);

public sealed record TeamDto(
    string Code,
    string Name,
    TeamType Type,
    NodeLevel Level,
    string NodeCode,
    TeamStatus Status,
    DateTimeOffset StatusSince,
    Guid? CurrentAlertId,
    LocationDto? Position,
    IReadOnlyList<TeamMember> Members,
    DateTimeOffset? RetiredAt = null)
{
    public static TeamDto From(Team t) => new(
        t.Code, t.Name, t.Type, t.Level, t.NodeCode, t.Status, t.StatusSince, t.CurrentAlertId,
        t.Latitude is { } lat && t.Longitude is { } lon ? new LocationDto(lat, lon) : null, t.Members, t.RetiredAt);
}

public sealed record NodeDto(
    string Code,
    string Name,
    NodeLevel Level,
    NodeKind Kind,
    string? ParentCode,
    PersonDto Responsible,
    IReadOnlyList<PersonDto>? Workers,
    IReadOnlyList<double[]>? Boundary,
    IReadOnlyList<NodeDto>? Children)
{
    /// <summary>
    /// The whole boundary as a GeoJSON MultiPolygon, holes and every part included. <see cref="Boundary"/> keeps the
    /// older single ring and is left out for a node it cannot describe: one with a hole or in several parts.
    /// </summary>
    public GeometryDto? Geometry { get; init; }
}

/// <summary>
/// A GeoJSON geometry (RFC 7946), always of type <c>MultiPolygon</c> so clients read one shape: polygons, each an
/// exterior ring then its holes, each ring closed [lon, lat] pairs.
/// </summary>
public sealed record GeometryDto(string Type, IReadOnlyList<IReadOnlyList<IReadOnlyList<double[]>>> Coordinates);

public sealed record CategoryDto(string Code, string Name, IReadOnlyList<CategoryDto> Children);
