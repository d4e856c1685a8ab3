using CommandCenter.Core.Alerts;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;

namespace CommandCenter.Web.Wall;

/// <summary>
/// The live state of one wall scope (the city, a town or a community), shared by every wall showing it: loaded
/// from the store, kept current from the live feed, and reloaded now and then (see <see cref="WallStateRegistry"/>).
/// Circuits read immutable <see cref="WallView"/>s and are told when something changed; they never touch this
/// state directly.
/// </summary>
/// <remarks>
/// A load holds the feed back: messages that arrive while the store is read are kept and applied after it, and
/// every alert message not newer than the version already seen (in the snapshot or on the feed) is dropped, so
/// nothing falls between load and feed and nothing is counted twice. The trend's settled past comes from the metric
/// store, which holds no versions; it is split from the rest by the time an alert was reported, not by version (see
/// <see cref="MetricTrendReader"/>), and only a raise ever counts in it, so a feed message can never add to it twice.
/// </remarks>
public sealed class WallScopeState
{
    public const int RecentLimit = 30;

    /// <summary>The overdue panel lists at most this many (most escalated first); the count covers them all.</summary>
    public const int OverdueLimit = 30;
    public static readonly TimeSpan MarkerLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan TrendBucket = TimeSpan.FromMinutes(10);
    public static readonly int TrendBuckets = 36;

    /// <summary>
    /// With nothing new, every wall showing this scope shares one view for this long; only time-based figures
    /// (overdue, markers, the trend's window) can change meanwhile.
    /// </summary>
    private static readonly TimeSpan ViewReuse = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly ReferenceData _reference;
    private readonly TimeProvider _time;
    private readonly AdminNode _scope;
    private readonly Dictionary<Guid, OpenAlert> _open = [];
    private readonly List<WallAlertRow> _recent = [];
    private readonly Dictionary<Guid, WallPetitionRow> _petitions = [];
    private readonly Dictionary<string, WallTeamRow> _teams = new(StringComparer.Ordinal);
    private readonly List<WallMarker> _markers = [];
    private readonly Dictionary<long, int[]> _trend = [];
    private readonly List<Action> _listeners = [];
    private readonly HashSet<Guid> _majorToday = [];
    private readonly Dictionary<Guid, bool> _acknowledgedToday = []; // alert → acknowledged in time
    private readonly Dictionary<Guid, string> _lateToday = []; // alert reported today, reported late → its grid
    private readonly HashSet<string> _silent = new(StringComparer.Ordinal); // silent grids within the scope
    private Dictionary<Guid, long> _versions = [];
    private List<FeedMessage>? _held = []; // a new state holds the feed until its first load
    private DateTimeOffset _day;
    private int _reportsToday;
    private DateTimeOffset? _lastDataAt;
    private long _version;
    private WallView? _cached;
    private DateTimeOffset _cachedAt;

    internal WallScopeState(AdminNode scope, ReferenceData reference, TimeProvider time)
    {
        _scope = scope;
        _reference = reference;
        _time = time;
        _day = CityClock.StartOfDay(time.GetUtcNow());
    }

    public string ScopeCode => _scope.Code;

    /// <summary>The last time anything (a change or a heartbeat) arrived from the feed.</summary>
    public DateTimeOffset? LastDataAt
    {
        get
        {
            lock (_lock)
            {
                return _lastDataAt;
            }
        }
    }

    /// <summary>How many markers and trend buckets are kept in memory: tests check they are pruned without a view.</summary>
    internal (int Markers, int TrendBuckets) Retained
    {
        get
        {
            lock (_lock)
            {
                return (_markers.Count, _trend.Count);
            }
        }
    }

    /// <summary>Calls <paramref name="onChange"/> after each applied change, until disposed. Keep it cheap: it runs on the feed's thread.</summary>
    public IDisposable OnChange(Action onChange)
    {
        lock (_lock)
        {
            _listeners.Add(onChange);
        }

        return new Unsubscriber(this, onChange);
    }

    /// <summary>From now until the next <see cref="Load"/> (or <see cref="ReleaseHeld"/>), feed messages are held back.</summary>
    internal void HoldFeed()
    {
        lock (_lock)
        {
            _held ??= [];
        }
    }

    /// <summary>
    /// Replaces the state with a fresh load from the store, then applies the messages held since
    /// <see cref="HoldFeed"/>, dropping those the snapshot already reflects.
    /// </summary>
    internal void Load(WallSnapshot snapshot)
    {
        lock (_lock)
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

            _versions = new Dictionary<Guid, long>(snapshot.AlertVersions);
            _day = snapshot.Day;
            _majorToday.Clear();
            _majorToday.UnionWith(snapshot.MajorOrWorseToday);
            _reportsToday = snapshot.ReportsToday;
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

            // The first load was just read from the store, as fresh as data gets. A resync leaves the data age alone:
            // it tells whether the feed is alive, and a dead feed must not look live every few minutes.
            _lastDataAt ??= _time.GetUtcNow();
            ApplyHeldLocked();
            _version++;
        }

        Notify();
    }

    /// <summary>After a failed load: applies what was held to the state as it was, and stops holding.</summary>
    internal void ReleaseHeld()
    {
        lock (_lock)
        {
            ApplyHeldLocked();
        }

        Notify();
    }

    /// <summary>Applies one feed message (or holds it while a load runs). Messages for other scopes only refresh the data-age clock.</summary>
    public void Apply(FeedMessage message)
    {
        lock (_lock)
        {
            if (_held is not null)
            {
                _held.Add(message);
                return;
            }

            ApplyLocked(message);
        }

        Notify();
    }

    /// <summary>The current view. Cheap to call often: walls asking after the same change share one build.</summary>
    public WallView View()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (_cached is not null && _cached.Version == _version && now - _cachedAt < ViewReuse)
            {
                return _cached;
            }

            RollDay(now);
            _cached = Build(now);
            _cachedAt = now;
            return _cached;
        }
    }

    private void ApplyHeldLocked()
    {
        var held = _held;
        _held = null;
        foreach (var message in held ?? [])
        {
            ApplyLocked(message);
        }
    }

    private void ApplyLocked(FeedMessage message)
    {
        var now = _time.GetUtcNow();
        _lastDataAt = now;
        RollDay(now);
        _ = message switch
        {
            // Announced city-wide and whole: each scope keeps its own grids of it.
            SilentGridsChanged silent => ApplySilent(silent),
            _ when !message.Scope.Codes().Contains(_scope.Code) => false,
            AlertChanged alert => ApplyAlert(alert, now),
            LateReportCharged late => ApplyLateCharge(late),
            PetitionWarningChanged petition => ApplyPetition(petition),
            TeamStatusChanged team => ApplyTeam(team),
            _ => false,
        };

        // Pruned here too, not only when viewed: a scope nobody watches must not grow for weeks.
        Prune(now);

        // The version moves even for a heartbeat: the data age it shows has changed.
        _version++;
    }

    private bool ApplyAlert(AlertChanged change, DateTimeOffset now)
    {
        // Every change bumps the alert's version, so a message not newer than the one seen is already counted,
        // whether the store's snapshot or an earlier message brought it (the feed delivers late, never out of order).
        if (_versions.TryGetValue(change.AlertId, out var seen) && change.Version <= seen)
        {
            return false;
        }

        _versions[change.AlertId] = change.Version;
        var isNew = change.Change == AlertChange.Raised;
        var known = _open.GetValueOrDefault(change.AlertId);
        var reportedToday = change.ReportedAt >= _day;

        // Counted as the stores count them, so a reload changes nothing: each report received today, the major
        // tally at an alert's current severity, each alert's first acknowledgement, and each alert in the trend at
        // the severity it was raised with, as the metric store records it (a repeat that makes it graver does not
        // move it: the store's raised point keeps the old severity, and the next load would move it back).
        if ((isNew || change.Change == AlertChange.RepeatMerged) && change.At >= _day)
        {
            _reportsToday++;
        }

        if (isNew)
        {
            CountInTrend(change.ReportedAt, change.Severity, 1);
        }

        if (change.Severity >= Severity.Major)
        {
            if (reportedToday)
            {
                _majorToday.Add(change.AlertId);
            }

            Mark(change, now);
        }

        if (change.PreviousState == AlertState.Reported && change.State == AlertState.Acknowledged && reportedToday
            && !_acknowledgedToday.ContainsKey(change.AlertId))
        {
            _acknowledgedToday[change.AlertId] = change.At <= (known?.AcknowledgeBy ?? AcknowledgeDeadline(change.CategoryCode, change.Severity, change.ReportedAt));
        }

        // Once late, always late: a charge may have marked it before this message (charging leaves the version alone).
        var late = change.IsLateReport || known?.IsLateReport == true || _lateToday.ContainsKey(change.AlertId);
        if (late && reportedToday)
        {
            _lateToday[change.AlertId] = change.Scope.GridCode!;
        }

        if (AlertWorkflow.IsOpen(change.State))
        {
            // While it waits for acknowledgement, its stage deadline is the acknowledge deadline.
            var acknowledgeBy = change.State == AlertState.Reported && change.StageDeadline is { } stage
                ? stage
                : known?.AcknowledgeBy ?? AcknowledgeDeadline(change.CategoryCode, change.Severity, change.ReportedAt);
            _open[change.AlertId] = new OpenAlert(
                change.AlertId, change.Scope.GridCode!, change.Scope.CommunityCode!, change.Scope.TownCode!, change.State, change.Severity,
                change.ReportedAt, acknowledgeBy, change.StageDeadline, change.Version, change.Title, change.EscalationLevel,
                known?.PolicyVersion ?? _reference.CurrentPolicy.Version, change.HandlerName, late);
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

    /// <summary>A major-or-worse alert reported within the marker lifetime is marked on the map with a blinking halo (raised so by a repeat, too).</summary>
    private void Mark(AlertChanged change, DateTimeOffset now)
    {
        var at = _markers.FindIndex(m => m.AlertId == change.AlertId);
        if (at >= 0)
        {
            _markers[at] = _markers[at] with { Severity = change.Severity };
        }
        else if (now - change.ReportedAt <= MarkerLifetime && Position(change) is { } point)
        {
            _markers.Add(new WallMarker(change.AlertId, change.Severity, point.Latitude, point.Longitude, change.ReportedAt));
        }
    }

    /// <summary>
    /// A late report was charged: the alert's rows carry the mark (an alert flagged at ingestion has it already) and
    /// its grid counts among today's late-report grids when it was reported today.
    /// </summary>
    private bool ApplyLateCharge(LateReportCharged charge)
    {
        if (charge.ReportedAt >= _day)
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
        _silent.UnionWith(change.SilentGridCodes.Where(code => _reference.Map.IsWithin(code, _scope.Code)));
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
            _reference.CurrentPolicy.FollowUpCadence.TryGetValue(change.Stage, out var cadence) ? cadence : null);
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

    private WallView Build(DateTimeOffset now)
    {
        Prune(now);
        var overdue = 0;
        var unacknowledged = 0;
        var unackedPastDeadlineToday = 0;
        var openByGrid = new Dictionary<string, int>(StringComparer.Ordinal);
        var byChild = new Dictionary<string, (int Open, int Serious)>(StringComparer.Ordinal);
        var pastDue = new List<OpenAlert>();
        foreach (var alert in _open.Values)
        {
            if (alert.DueBy <= now)
            {
                overdue++;
                pastDue.Add(alert);
            }

            if (alert.State == AlertState.Reported)
            {
                unacknowledged++;

                // Due today and missed; one acknowledged earlier and since handed back was counted when acknowledged.
                if (alert.AcknowledgeBy <= now && alert.ReportedAt >= _day && !_acknowledgedToday.ContainsKey(alert.Id))
                {
                    unackedPastDeadlineToday++;
                }
            }

            openByGrid[alert.GridCode] = openByGrid.GetValueOrDefault(alert.GridCode) + 1;
            var child = ChildOfScope(alert);
            var (open, serious) = byChild.GetValueOrDefault(child);
            byChild[child] = (open + 1, serious + (alert.Severity >= Severity.Serious ? 1 : 0));
        }

        var inTime = _acknowledgedToday.Values.Count(t => t);
        var due = _acknowledgedToday.Count + unackedPastDeadlineToday;
        var kpis = new WallKpis(
            _open.Count,
            unacknowledged,
            overdue,
            _majorToday.Count,
            _petitions.Count,
            _teams.Values.Count(t => TeamStatusRules.IsDeployed(t.Status)),
            _teams.Values.Count(t => t.Status == TeamStatus.Available),
            _reportsToday,
            due == 0 ? null : (double)inTime / due);

        var ranking = _reference.Map.Children(_scope.Code)
            .Select(c => (Node: c, Load: byChild.GetValueOrDefault(c.Code)))
            .Select(x => new RankingRow(x.Node.Code, x.Node.Name, x.Load.Open, x.Load.Serious))
            .OrderByDescending(r => r.OpenAlerts).ThenByDescending(r => r.SeriousOrWorse).ThenBy(r => r.Code, StringComparer.Ordinal)
            .ToList();

        return new WallView(
            _scope.Code,
            _scope.Name,
            _scope.Level,
            kpis,
            [.. _recent],
            [.. _petitions.Values.OrderByDescending(p => p.Stage).ThenByDescending(p => p.EstimatedHeadcount)],
            [.. _teams.Values.OrderBy(t => t.StatusSince)],
            ranking,
            openByGrid,
            [.. _markers],
            TrendSeries(now),
            [.. pastDue
                .OrderByDescending(a => a.EscalationLevel).ThenBy(a => a.DueBy).ThenBy(a => a.Id)
                .Take(OverdueLimit)
                .Select(OverdueRow)],
            _silent.ToHashSet(StringComparer.Ordinal),
            _lateToday.Values.GroupBy(grid => grid, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            _lastDataAt,
            _version);
    }

    private List<TrendBucket> TrendSeries(DateTimeOffset now)
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

    /// <summary>Drops expired markers and trend buckets that have left the window.</summary>
    private void Prune(DateTimeOffset now)
    {
        _markers.RemoveAll(m => now - m.RaisedAt > MarkerLifetime);
        var oldest = BucketIndex(now) - TrendBuckets + 1;
        foreach (var stale in _trend.Keys.Where(k => k < oldest).ToList())
        {
            _trend.Remove(stale);
        }
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

    /// <summary>The start of the oldest bucket the trend shows at <paramref name="now"/>: loads read from here on.</summary>
    internal static DateTimeOffset TrendStart(DateTimeOffset now) =>
        DateTimeOffset.FromUnixTimeMilliseconds((BucketIndex(now) - TrendBuckets + 1) * (long)TrendBucket.TotalMilliseconds);

    /// <summary>Buckets are aligned to the Unix epoch, as the metric store aligns them, so its buckets are the wall's.</summary>
    private static long BucketIndex(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / (long)TrendBucket.TotalMilliseconds;

    private void RollDay(DateTimeOffset now)
    {
        var today = CityClock.StartOfDay(now);
        if (today != _day)
        {
            _day = today;
            _reportsToday = 0;
            _majorToday.Clear();
            _acknowledgedToday.Clear();
            _lateToday.Clear();
        }
    }

    private string ChildOfScope(OpenAlert alert) => _scope.Level switch
    {
        NodeLevel.City => alert.TownCode,
        NodeLevel.Town => alert.CommunityCode,
        _ => alert.GridCode,
    };

    private DateTimeOffset AcknowledgeDeadline(string category, Severity severity, DateTimeOffset reportedAt) =>
        reportedAt + _reference.CurrentPolicy.DeadlinesFor(category, severity, _reference.Categories).Acknowledge;

    private GeoPoint? Position(AlertChanged change)
    {
        if (change.Latitude is { } lat && change.Longitude is { } lon)
        {
            return new GeoPoint(lat, lon);
        }

        var centre = _reference.Map.Find(change.Scope.GridCode!)?.Boundary.InteriorPoint;
        return centre is null ? null : new GeoPoint(centre.Y, centre.X);
    }

    private WallAlertRow Row(AlertChanged change)
    {
        var map = _reference.Map;
        return new WallAlertRow(
            change.AlertId,
            change.Title,
            _reference.Categories.Find(change.CategoryCode)?.Name ?? change.CategoryCode,
            change.Severity,
            map.Find(change.Scope.TownCode!)?.Name ?? "",
            map.Find(change.Scope.CommunityCode!)?.Name ?? "",
            map.Find(change.Scope.GridCode!)?.Name ?? "",
            change.State,
            change.RepeatCount,
            change.ReportedAt,
            change.At,
            change.IsLateReport,
            change.HandlerName);
    }

    private WallOverdueRow OverdueRow(OpenAlert alert)
    {
        var map = _reference.Map;
        var ladder = _reference.Policy(alert.PolicyVersion).Ladder;
        return new WallOverdueRow(
            alert.Id,
            alert.Title,
            alert.Severity,
            map.Find(alert.TownCode)?.Name ?? "",
            map.Find(alert.CommunityCode)?.Name ?? "",
            map.Find(alert.GridCode)?.Name ?? "",
            alert.State,
            alert.EscalationLevel,
            ladder[Math.Clamp(alert.EscalationLevel, 0, ladder.Count - 1)],
            alert.DueBy,
            alert.HandlerName,
            alert.IsLateReport);
    }

    private void Notify()
    {
        Action[] listeners;
        lock (_lock)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            listener();
        }
    }

    private sealed class Unsubscriber(WallScopeState state, Action listener) : IDisposable
    {
        public void Dispose()
        {
            lock (state._lock)
            {
                state._listeners.Remove(listener);
            }
        }
    }
}

/// <summary>
/// An open alert as the wall tracks it: where, what state, when acknowledging falls due and when its current stage
/// does (null when unknown; the acknowledge deadline stands in), and what the overdue panel shows of it: how far up
/// the ladder of its policy it has climbed, who holds it, whether it was reported late.
/// </summary>
public sealed record OpenAlert(
    Guid Id,
    string GridCode,
    string CommunityCode,
    string TownCode,
    AlertState State,
    Severity Severity,
    DateTimeOffset ReportedAt,
    DateTimeOffset AcknowledgeBy,
    DateTimeOffset? StageDeadline,
    long Version,
    string Title,
    int EscalationLevel,
    int PolicyVersion,
    string? HandlerName,
    bool IsLateReport)
{
    /// <summary>When the current stage falls due; past it the alert is overdue.</summary>
    public DateTimeOffset DueBy => StageDeadline ?? AcknowledgeBy;
}
