using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;

namespace CommandCenter.Infrastructure.Wall;

/// <summary>
/// What one wall scope (the city, a town or a community) knows: started from a <see cref="WallSnapshot"/> of the
/// store and moved on by folding feed messages into it. Counted by <see cref="AlertRules"/>, exactly as the snapshot
/// counts, so a reload changes nothing; a test folds generated events both ways and compares. Not thread-safe, and
/// it trusts its input: holding the feed during a load and dropping stale messages is the caller's job.
/// </summary>
public sealed class WallProjection
{
    public const int RecentLimit = 30;

    /// <summary>The overdue panel lists at most this many (most escalated first); the count covers them all.</summary>
    public const int OverdueLimit = 30;

    public static readonly TimeSpan MarkerLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan TrendBucket = TimeSpan.FromMinutes(10);
    public static readonly int TrendBuckets = 36;

    private readonly ReferenceData _reference;
    private readonly Dictionary<Guid, OpenAlert> _open = [];
    private readonly List<WallAlertRow> _recent = [];
    private readonly Dictionary<Guid, WallPetitionRow> _petitions = [];
    private readonly Dictionary<string, WallTeamRow> _teams = new(StringComparer.Ordinal);
    private readonly List<WallMarker> _markers = [];
    private readonly Dictionary<long, int[]> _trend = [];
    private readonly HashSet<Guid> _majorToday = [];
    private readonly Dictionary<Guid, bool> _acknowledgedToday = []; // alert → acknowledged in time
    private readonly Dictionary<Guid, string> _lateToday = []; // alert reported today, reported late → its grid
    private readonly HashSet<string> _silent = new(StringComparer.Ordinal); // silent grids within the scope

    public WallProjection(AdminNode scope, ReferenceData reference, DateTimeOffset now)
    {
        Scope = scope;
        _reference = reference;
        Day = CityClock.StartOfDay(now);
    }

    public AdminNode Scope { get; }

    /// <summary>The start of the city's day the daily tallies count.</summary>
    public DateTimeOffset Day { get; private set; }

    public IReadOnlyCollection<OpenAlert> OpenAlerts => _open.Values;

    /// <summary>Newest first by first report, at most <see cref="RecentLimit"/>.</summary>
    public IReadOnlyList<WallAlertRow> Recent => _recent;

    public IReadOnlyCollection<WallPetitionRow> Petitions => _petitions.Values;

    public IReadOnlyCollection<WallTeamRow> Teams => _teams.Values;

    public IReadOnlyList<WallMarker> Markers => _markers;

    public IReadOnlyCollection<Guid> MajorOrWorseToday => _majorToday;

    public int ReportsToday { get; private set; }

    public IReadOnlyDictionary<Guid, bool> AcknowledgedToday => _acknowledgedToday;

    public IReadOnlyDictionary<Guid, string> LateReportsToday => _lateToday;

    public IReadOnlySet<string> SilentGrids => _silent;

    /// <summary>How many trend buckets are kept in memory: tests check they are pruned.</summary>
    public int RetainedTrendBuckets => _trend.Count;

    /// <summary>The start of the oldest bucket the trend shows at <paramref name="now"/>: loads read from here on.</summary>
    public static DateTimeOffset TrendStart(DateTimeOffset now) =>
        DateTimeOffset.FromUnixTimeMilliseconds((BucketIndex(now) - TrendBuckets + 1) * (long)TrendBucket.TotalMilliseconds);

    /// <summary>Replaces everything with a fresh load from the store.</summary>
    public void Load(WallSnapshot snapshot)
    {
        _open.Clear();
        foreach (var alert in snapshot.OpenAlerts)
        {
            _open[alert.Id] = alert;
        }

        _recent.Clear();
        _recent.AddRange(snapshot.Recent);
        _petitions.Clear();
        foreach (var petition in snapshot.Petitions)
        {
            _petitions[petition.Id] = petition;
        }

        _teams.Clear();
        foreach (var team in snapshot.Teams)
        {
            _teams[team.Code] = team;
        }

        _markers.Clear();
        _markers.AddRange(snapshot.Markers);
        _trend.Clear();
        foreach (var (at, severity, count) in snapshot.Trend)
        {
            CountInTrend(at, severity, count);
        }

        Day = snapshot.Day;
        _majorToday.Clear();
        _majorToday.UnionWith(snapshot.MajorOrWorseToday);
        ReportsToday = snapshot.ReportsToday;
        _acknowledgedToday.Clear();
        foreach (var (id, inTime) in snapshot.AcknowledgedToday)
        {
            _acknowledgedToday[id] = inTime;
        }

        _lateToday.Clear();
        foreach (var (id, grid) in snapshot.LateReportsToday)
        {
            _lateToday[id] = grid;
        }

        _silent.Clear();
        _silent.UnionWith(snapshot.SilentGrids);
    }

    /// <summary>Whether the message is about this scope (silent grids are announced city-wide and whole).</summary>
    public bool Covers(FeedMessage message) => message is SilentGridsChanged || message.Scope.Codes().Contains(Scope.Code);

    /// <summary>Folds one message in; a message about another scope changes nothing.</summary>
    public void Apply(FeedMessage message, DateTimeOffset now)
    {
        RollDay(now);
        _ = Covers(message) && message switch
        {
            SilentGridsChanged silent => ApplySilent(silent),
            AlertChanged alert => ApplyAlert(alert, now),
            LateReportCharged late => ApplyLateCharge(late),
            PetitionWarningChanged petition => ApplyPetition(petition),
            TeamStatusChanged team => ApplyTeam(team),
            TeamChanged team => ApplyTeamChange(team),
            _ => false,
        };

        // Pruned here too, not only when viewed: a scope nobody watches must not grow for weeks.
        Prune(now);
    }

    /// <summary>At the city's midnight the daily tallies start again.</summary>
    public void RollDay(DateTimeOffset now)
    {
        var today = CityClock.StartOfDay(now);
        if (today != Day)
        {
            Day = today;
            ReportsToday = 0;
            _majorToday.Clear();
            _acknowledgedToday.Clear();
            _lateToday.Clear();
        }
    }

    /// <summary>Drops expired markers and trend buckets that have left the window.</summary>
    public void Prune(DateTimeOffset now)
    {
        _markers.RemoveAll(m => now - m.RaisedAt > MarkerLifetime);
        var oldest = BucketIndex(now) - TrendBuckets + 1;
        foreach (var stale in _trend.Keys.Where(k => k < oldest).ToList())
        {
            _trend.Remove(stale);
        }
    }

    /// <summary>New alerts per bucket over the window ending at <paramref name="now"/>, oldest first.</summary>
    public List<TrendBucket> TrendSeries(DateTimeOffset now)
    {
        var current = BucketIndex(now);
        var series = new List<TrendBucket>(TrendBuckets);
        for (var index = current - TrendBuckets + 1; index <= current; index++)
        {
            var counts = _trend.GetValueOrDefault(index) ?? new int[4];
            series.Add(new TrendBucket(DateTimeOffset.FromUnixTimeMilliseconds(index * (long)TrendBucket.TotalMilliseconds), counts[0], counts[1], counts[2], counts[3]));
        }

        return series;
    }

    private bool ApplyAlert(AlertChanged change, DateTimeOffset now)
    {
        var isNew = change.Change == AlertChange.Raised;
        var known = _open.GetValueOrDefault(change.AlertId);
        var reportedToday = AlertRules.IsToday(change.ReportedAt, Day);

        // Counted as the stores count them: each report received today, the major tally at an alert's current
        // severity, each alert's first acknowledgement, and each alert in the trend at the severity it was raised with
        // (the metric store's raised point keeps it; a graver repeat does not move it there, so not here either).
        if ((isNew || change.Change == AlertChange.RepeatMerged) && AlertRules.CountsTowardReportsToday(change.At, Day))
        {
            ReportsToday++;
        }

        if (isNew)
        {
            CountInTrend(change.ReportedAt, change.Severity, 1);
        }

        if (AlertRules.IsMajorOrWorse(change.Severity))
        {
            if (reportedToday)
            {
                _majorToday.Add(change.AlertId);
            }

            Mark(change, now);
        }

        var acknowledgeBy = known?.AcknowledgeBy ?? AcknowledgeBy(change);
        if (AlertRules.IsAcknowledgement(change.PreviousState, change.State) && reportedToday && !_acknowledgedToday.ContainsKey(change.AlertId))
        {
            _acknowledgedToday[change.AlertId] = AlertRules.AcknowledgedInTime(change.At, acknowledgeBy);
        }

        // Once late, always late: a charge may have marked it before this message (charging leaves the version alone).
        var late = change.IsLateReport || known?.IsLateReport == true || _lateToday.ContainsKey(change.AlertId);
        if (AlertRules.IsLateToday(late, change.ReportedAt, Day))
        {
            _lateToday[change.AlertId] = change.Scope.GridCode!;
        }

        if (AlertRules.IsOpen(change.State))
        {
            _open[change.AlertId] = new OpenAlert(
                change.AlertId, change.Scope.GridCode!, change.Scope.CommunityCode!, change.Scope.TownCode!, change.State, change.Severity,
                change.ReportedAt, change is { State: AlertState.Reported, StageDeadline: not null } ? AcknowledgeBy(change) : acknowledgeBy, change.StageDeadline,
                change.Version, change.Title, change.EscalationLevel, change.PolicyVersion, change.HandlerName, late);
        }
        else
        {
            _open.Remove(change.AlertId);
        }

        // Newest first by first report; a repeat or state change updates its row in place (and lights it up).
        var row = Row(change);
        var at = _recent.FindIndex(r => r.Id == change.AlertId);
        if (at >= 0)
        {
            _recent[at] = row with { IsLateReport = row.IsLateReport || _recent[at].IsLateReport };
        }
        else
        {
            var position = _recent.FindIndex(r => r.ReportedAt < row.ReportedAt);
            _recent.Insert(position < 0 ? _recent.Count : position, row);
        }

        if (_recent.Count > RecentLimit)
        {
            _recent.RemoveRange(RecentLimit, _recent.Count - RecentLimit);
        }

        return true;
    }

    /// <summary>A major-or-worse alert reported within the marker lifetime is marked on the map (raised so by a repeat, too).</summary>
    private void Mark(AlertChanged change, DateTimeOffset now)
    {
        var at = _markers.FindIndex(m => m.AlertId == change.AlertId);
        if (at >= 0)
        {
            _markers[at] = _markers[at] with { Severity = change.Severity };
        }
        else if (now - change.ReportedAt <= MarkerLifetime)
        {
            var (latitude, longitude) = Position(_reference.Map, change.Scope.GridCode!, change.Latitude, change.Longitude);
            _markers.Add(new WallMarker(change.AlertId, change.Severity, latitude, longitude, change.ReportedAt));
        }
    }

    /// <summary>
    /// A late report was charged: the alert's rows carry the mark (an alert flagged at ingestion has it already) and
    /// its grid counts among today's late-report grids when it was reported today.
    /// </summary>
    private bool ApplyLateCharge(LateReportCharged charge)
    {
        if (AlertRules.IsLateToday(true, charge.ReportedAt, Day))
        {
            _lateToday[charge.AlertId] = charge.GridCode;
        }

        if (_open.TryGetValue(charge.AlertId, out var open))
        {
            _open[charge.AlertId] = open with { IsLateReport = true };
        }

        var at = _recent.FindIndex(r => r.Id == charge.AlertId);
        if (at >= 0)
        {
            _recent[at] = _recent[at] with { IsLateReport = true };
        }

        return true;
    }

    /// <summary>The message carries the whole silent set, so it replaces what the scope holds.</summary>
    private bool ApplySilent(SilentGridsChanged change)
    {
        _silent.Clear();
        _silent.UnionWith(change.SilentGridCodes.Where(code => _reference.Map.IsWithin(code, Scope.Code)));
        return true;
    }

    private bool ApplyPetition(PetitionWarningChanged change)
    {
        if (change.Stage == PetitionStage.Defused)
        {
            return _petitions.Remove(change.WarningId);
        }

        _petitions[change.WarningId] = new WallPetitionRow(
            change.WarningId, change.Subject, change.Stage, change.EstimatedHeadcount, change.Attention,
            _reference.Map.Find(change.OriginCode)?.Name ?? change.OriginCode, change.Destination, change.LastFollowUpAt,
            FollowUpCadence(_reference, change.PolicyVersion, change.Stage));
        return true;
    }

    private bool ApplyTeam(TeamStatusChanged change)
    {
        if (_teams.TryGetValue(change.TeamCode, out var known) && known.StatusSince > change.StatusSince)
        {
            return false;
        }

        _teams[change.TeamCode] = new WallTeamRow(
            change.TeamCode, change.TeamName, change.Type, change.Level, change.Status, change.StatusSince,
            change.AssignmentTitle, change.Latitude, change.Longitude);
        return true;
    }

    /// <summary>An administrator's change: the row is replaced, or dropped when the team left this scope or retired.</summary>
    private bool ApplyTeamChange(TeamChanged change)
    {
        if (change.Withdrawn)
        {
            return _teams.Remove(change.TeamCode);
        }

        if (_teams.TryGetValue(change.TeamCode, out var known) && known.StatusSince > change.StatusSince)
        {
            return false;
        }

        _teams[change.TeamCode] = new WallTeamRow(
            change.TeamCode, change.TeamName, change.Type, change.Level, change.Status, change.StatusSince,
            change.AssignmentTitle, change.Latitude, change.Longitude);
        return true;
    }

    private void CountInTrend(DateTimeOffset at, Severity severity, int count)
    {
        var index = BucketIndex(at);
        if (!_trend.TryGetValue(index, out var counts))
        {
            _trend[index] = counts = new int[4];
        }

        counts[(int)severity] += count;
    }

    /// <summary>Buckets are aligned to the Unix epoch, as the metric store aligns them, so its buckets are the wall's.</summary>
    private static long BucketIndex(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / (long)TrendBucket.TotalMilliseconds;

    private DateTimeOffset AcknowledgeBy(AlertChanged change) => AlertRules.AcknowledgeBy(
        change.State, change.StageDeadline, change.ReportedAt,
        _reference.Policy(change.PolicyVersion).DeadlinesFor(change.CategoryCode, change.Severity, _reference.Categories));

    private WallAlertRow Row(AlertChanged change) => Row(
        _reference, change.AlertId, change.Title, change.CategoryCode, change.Severity, change.Scope.TownCode!, change.Scope.CommunityCode!,
        change.Scope.GridCode!, change.State, change.RepeatCount, change.ReportedAt, change.At, change.IsLateReport, change.HandlerName);

    // The rows below are built the same way from the store and from the feed.

    internal static WallAlertRow Row(
        ReferenceData reference, Guid id, string title, string categoryCode, Severity severity, string townCode, string communityCode,
        string gridCode, AlertState state, int repeatCount, DateTimeOffset reportedAt, DateTimeOffset lastActivityAt, bool isLateReport,
        string? handlerName)
    {
        var map = reference.Map;
        return new WallAlertRow(
            id, title, reference.Categories.Find(categoryCode)?.Name ?? categoryCode, severity,
            map.Find(townCode)?.Name ?? "", map.Find(communityCode)?.Name ?? "", map.Find(gridCode)?.Name ?? "",
            state, repeatCount, reportedAt, lastActivityAt, isLateReport, handlerName);
    }

    /// <summary>Where a marker goes: the reported point, else a point inside its grid.</summary>
    internal static (double Latitude, double Longitude) Position(CityMap map, string gridCode, double? latitude, double? longitude)
    {
        if (latitude is { } lat && longitude is { } lon)
        {
            return (lat, lon);
        }

        var centre = map.Find(gridCode)?.Boundary.InteriorPoint;
        return (centre?.Y ?? 0, centre?.X ?? 0);
    }

    /// <summary>The cadence of the warning's own policy version, as the cadence job judges it.</summary>
    internal static TimeSpan? FollowUpCadence(ReferenceData reference, int policyVersion, PetitionStage stage) =>
        reference.Policy(policyVersion).FollowUpCadence.TryGetValue(stage, out var cadence) ? cadence : null;
}
