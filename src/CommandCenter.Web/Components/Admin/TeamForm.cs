using CommandCenter.Core.Alerts;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Teams;

namespace CommandCenter.Web.Components.Admin;

/// <summary>One member row of the team form, bound field by field.</summary>
public sealed class MemberForm
{
    public string? Name { get; set; }

    public MemberRole? Role { get; set; }

    public string? Phone { get; set; }
}

/// <summary>The team form as the page binds it; <see cref="ToDraft"/> hands it to the service, which judges it.</summary>
public sealed class TeamForm
{
    public string? Code { get; set; }

    public string? Name { get; set; }

    public TeamType? Type { get; set; }

    public string? NodeCode { get; set; }

    public List<MemberForm> Members { get; set; } = [];

    public double? Latitude { get; set; }

    public double? Longitude { get; set; }

    /// <summary>The position when both coordinates are given.</summary>
    public GeoPoint? Position => Latitude is { } lat && Longitude is { } lon ? new GeoPoint(lat, lon) : null;

    /// <summary>Only one coordinate typed: the service would read it as no position, so the page says so instead.</summary>
    public bool HalfAPosition => Latitude is null != Longitude is null;

    public TeamDraft ToDraft() => new(Code, Name, Type, NodeCode, [.. Members.Select(m => new MemberDraft(m.Name, m.Role, m.Phone))], Position);

    public static TeamForm From(Team team) => new()
    {
        Code = team.Code,
        Name = team.Name,
        Type = team.Type,
        NodeCode = team.NodeCode,
        Members = [.. team.Members.Select(m => new MemberForm { Name = m.Name, Role = m.Role, Phone = m.Phone })],
        Latitude = team.Latitude,
        Longitude = team.Longitude,
    };
}
