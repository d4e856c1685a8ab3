using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Policies;
using CommandCenter.Core.Teams;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Teams;

/// <summary>
/// Which teams a dispatcher sees for an alert and in what order: those that can go now, the alert's own community
/// first, then the nearest. The alert sits in 湖滨街道 (330188001), community 330188001002.
/// </summary>
public class DispatchCandidatesTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private static readonly CityMap _map = DemoCity.Map();
    private static readonly string _alertGrid = DemoCity.GridCode(0, 1, 2);
    private static readonly GeoPoint _at = CentreOf(_alertGrid);

    [Fact]
    public void Rank_MixedTeams_AvailableFirstThenCommunityThenTownThenCityEachByDistance()
    {
        var alert = RaiseAt(_at);
        Team[] teams =
        [
            NewTeam("city", NodeLevel.City, "330188", Offset(0.0005)),
            NewTeam("busy-community", NodeLevel.Community, "330188001002", Offset(0.0001), TeamStatus.OnScene),
            NewTeam("neighbour-community", NodeLevel.Community, "330188001003", Offset(0.01)),
            NewTeam("town", NodeLevel.Town, "330188001", Offset(0.001)),
            NewTeam("community", NodeLevel.Community, "330188001002", Offset(0.02)),
            NewTeam("grid-of-community", NodeLevel.Grid, DemoCity.GridCode(0, 1, 5), Offset(0.003)),
        ];

        var ranked = DispatchCandidates.Rank(alert, teams, _map);

        Assert.Equal(["grid-of-community", "community", "town", "neighbour-community", "city", "busy-community"], ranked.Select(c => c.Team.Code));
        Assert.Equal(
            [TeamReach.SameCommunity, TeamReach.SameCommunity, TeamReach.SameTown, TeamReach.SameTown, TeamReach.City, TeamReach.SameCommunity],
            ranked.Select(c => c.Reach));
        Assert.Equal([true, true, true, true, true, false], ranked.Select(c => c.CanDispatch));
    }

    [Fact]
    public void Rank_TeamOfAnotherTown_IsNotOffered()
    {
        var alert = RaiseAt(_at);

        var ranked = DispatchCandidates.Rank(alert, [NewTeam("next-town", NodeLevel.Town, "330188002", Offset(0.0001)), NewTeam("town", NodeLevel.Town, "330188001", Offset(0.05))], _map);

        Assert.Equal(["town"], ranked.Select(c => c.Team.Code));
    }

    [Theory]
    [InlineData(TeamStatus.Available, true)]
    [InlineData(TeamStatus.Returning, true)]
    [InlineData(TeamStatus.Dispatched, false)]
    [InlineData(TeamStatus.EnRoute, false)]
    [InlineData(TeamStatus.OnScene, false)]
    [InlineData(TeamStatus.OffDuty, false)]
    public void CanDispatch_ByStatus_OnlyAvailableOrOnTheWayBack(TeamStatus status, bool expected)
    {
        var team = NewTeam("t", NodeLevel.Town, "330188001", Offset(0), status);

        Assert.Equal(expected, new DispatchCandidate(team, TeamReach.SameTown, 0).CanDispatch);
    }

    [Fact]
    public void Rank_DistanceInMetres_FromTheAlertsPointToTheTeamsPosition()
    {
        var alert = RaiseAt(_at);

        var candidate = Assert.Single(DispatchCandidates.Rank(alert, [NewTeam("town", NodeLevel.Town, "330188001", Offset(0.01))], _map));

        // 0.01° of latitude is 1,112 m on the earth's mean radius.
        Assert.Equal(1112, candidate.DistanceMeters!.Value, tolerance: 1);
    }

    [Fact]
    public void Rank_NoPositions_MeasuresBetweenTheCentresOfTheAlertsGridAndTheTeamsHome()
    {
        var alert = RaiseAt(location: null);
        var home = DemoCity.GridCode(0, 1, 5);

        var candidate = Assert.Single(DispatchCandidates.Rank(alert, [NewTeam("grid", NodeLevel.Grid, home, position: null)], _map));

        Assert.Equal(DispatchCandidates.DistanceMeters(_at, CentreOf(home)), candidate.DistanceMeters!.Value, tolerance: 0.001);
        Assert.True(candidate.DistanceMeters > 0);
    }

    [Fact]
    public void DistanceMeters_SamePoint_IsZero_AndIsSymmetric()
    {
        var other = Offset(0.013, 0.021);

        Assert.Equal(0, DispatchCandidates.DistanceMeters(_at, _at));
        Assert.Equal(DispatchCandidates.DistanceMeters(_at, other), DispatchCandidates.DistanceMeters(other, _at), tolerance: 1e-6);
    }

    private static GeoPoint Offset(double latitude, double longitude = 0) => new(_at.Latitude + latitude, _at.Longitude + longitude);

    private static GeoPoint CentreOf(string code)
    {
        var centre = _map.Find(code)!.Boundary.Centroid;
        return new GeoPoint(centre.Y, centre.X);
    }

    private static Team NewTeam(string code, NodeLevel level, string nodeCode, GeoPoint? position, TeamStatus status = TeamStatus.Available)
    {
        var team = new Team(code, code, TeamType.SecurityPatrol, level, nodeCode, [], position, _now);
        if (status == TeamStatus.OffDuty)
        {
            team.ChangeStatus(TeamStatus.OffDuty, null, _now);
        }
        else if (status != TeamStatus.Available)
        {
            team.ChangeStatus(TeamStatus.Dispatched, Guid.NewGuid(), _now);
            foreach (var next in status switch
            {
                TeamStatus.EnRoute => [TeamStatus.EnRoute],
                TeamStatus.OnScene => [TeamStatus.OnScene],
                TeamStatus.Returning => new[] { TeamStatus.OnScene, TeamStatus.Returning },
                _ => [],
            })
            {
                team.ChangeStatus(next, null, _now);
            }
        }

        Assert.Equal(status, team.Status);
        return team;
    }

    private static Alert RaiseAt(GeoPoint? location)
    {
        var report = new NewAlertReport(AlertSource.GridWorker, "ext-1", "0101", Severity.General, _alertGrid, location, _now, "电动车被盗");
        var deadlines = new StageDeadlines(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), TimeSpan.FromHours(24), TimeSpan.FromHours(4));
        return Alert.Raise(report, _map.PathOf(_alertGrid), 1, false, deadlines, Guid.NewGuid(), _now);
    }
}
