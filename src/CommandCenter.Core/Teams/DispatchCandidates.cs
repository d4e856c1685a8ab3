using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Core.Teams;

/// <summary>How close a team's home is to the alert in the hierarchy; lower is closer.</summary>
public enum TeamReach
{
    /// <summary>The team belongs to the alert's community or one of its grids: it knows the people and the streets.</summary>
    SameCommunity,

    /// <summary>Another community's team, or the town's own team.</summary>
    SameTown,

    /// <summary>A city-level team, which serves every town.</summary>
    City,
}

/// <summary>A team that could go to an alert, with why it is where it is in the list.</summary>
public sealed record DispatchCandidate(Team Team, TeamReach Reach, double? DistanceMeters)
{
    /// <summary>Only an available team, or one on its way back, can take a new assignment.</summary>
    public bool CanDispatch => Team.Status is TeamStatus.Available or TeamStatus.Returning;
}

/// <summary>
/// Which teams serve an alert's place and in what order a dispatcher should see them: teams that can go now before
/// busy ones, the alert's own community first (组团式服务 starts at home), then the nearest.
/// </summary>
public static class DispatchCandidates
{
    /// <summary>
    /// A team serves an alert when its home is the city or lies in the alert's town; a neighbouring town's teams are
    /// that town's to send.
    /// </summary>
    public static TeamReach? ReachOf(Team team, string alertGridCode, CityMap map)
    {
        var alert = map.PathOf(alertGridCode);
        if (team.NodeCode == map.City.Code)
        {
            return TeamReach.City;
        }

        if (alert.CommunityCode is not null && map.IsWithin(team.NodeCode, alert.CommunityCode))
        {
            return TeamReach.SameCommunity;
        }

        return alert.TownCode is not null && map.IsWithin(team.NodeCode, alert.TownCode) ? TeamReach.SameTown : null;
    }

    /// <summary>
    /// The teams that serve the alert, best first: dispatchable before busy, then by reach, then by distance from the
    /// alert's point (or its grid's centre when it has none) to the team's last position (or its home's centre).
    /// </summary>
    public static IReadOnlyList<DispatchCandidate> Rank(Alert alert, IEnumerable<Team> teams, CityMap map)
    {
        var target = alert.Latitude is { } lat && alert.Longitude is { } lon ? new GeoPoint(lat, lon) : CentreOf(alert.GridCode, map);
        return teams
            .Select(team => (Team: team, Reach: ReachOf(team, alert.GridCode, map)))
            .Where(t => t.Reach is not null)
            .Select(t => new DispatchCandidate(t.Team, t.Reach!.Value, Distance(target, PositionOf(t.Team, map))))
            .OrderByDescending(c => c.CanDispatch)
            .ThenBy(c => c.Reach)
            .ThenBy(c => c.DistanceMeters ?? double.MaxValue)
            .ThenBy(c => c.Team.Code, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Great-circle distance in metres (haversine; the city is small enough that the sphere is exact enough).</summary>
    public static double DistanceMeters(GeoPoint a, GeoPoint b)
    {
        const double EarthRadius = 6_371_000;
        var dLat = Radians(b.Latitude - a.Latitude);
        var dLon = Radians(b.Longitude - a.Longitude);
        var h = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(a.Latitude)) * Math.Cos(Radians(b.Latitude)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadius * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    private static GeoPoint? PositionOf(Team team, CityMap map) =>
        team.Latitude is { } lat && team.Longitude is { } lon ? new GeoPoint(lat, lon) : CentreOf(team.NodeCode, map);

    private static GeoPoint? CentreOf(string nodeCode, CityMap map) =>
        map.Find(nodeCode)?.Boundary.Centroid is { IsEmpty: false } centre ? new GeoPoint(centre.Y, centre.X) : null;

    private static double? Distance(GeoPoint? a, GeoPoint? b) => a is null || b is null ? null : DistanceMeters(a, b);

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
