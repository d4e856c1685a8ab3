using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Wall;

namespace CommandCenter.Web.Wall;

/// <summary>
/// The live state of one wall scope (the city, a town or a community), shared by every wall showing it: loaded
/// from the store, kept current from the live feed, and reloaded now and then (see <see cref="WallStateRegistry"/>).
/// This class holds and de-duplicates the feed; <see cref="WallProjection"/> folds it and <see cref="WallViewBuilder"/>
/// builds the immutable <see cref="WallView"/>s circuits read. Circuits are told when something changed.
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
    /// <summary>
    /// With nothing new, every wall showing this scope shares one view for this long; only time-based figures
    /// (overdue, markers, the trend's window) can change meanwhile.
    /// </summary>
    private static readonly TimeSpan ViewReuse = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly ReferenceData _reference;
    private readonly TimeProvider _time;
    private readonly WallProjection _projection;
    private readonly List<Action> _listeners = [];
    private Dictionary<Guid, long> _versions = [];
    private List<FeedMessage>? _held = []; // a new state holds the feed until its first load
    private DateTimeOffset? _lastDataAt;
    private long _version;
    private WallView? _cached;
    private DateTimeOffset _cachedAt;

    internal WallScopeState(AdminNode scope, ReferenceData reference, TimeProvider time)
    {
        _reference = reference;
        _time = time;
        _projection = new WallProjection(scope, reference, time.GetUtcNow());
    }

    public string ScopeCode => _projection.Scope.Code;

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
                return (_projection.Markers.Count, _projection.RetainedTrendBuckets);
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
            _projection.Load(snapshot);
            _versions = new Dictionary<Guid, long>(snapshot.AlertVersions);

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

            _cached = WallViewBuilder.Build(_projection, _reference, now, _lastDataAt, _version);
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
        var alreadyCounted = message is AlertChanged alert && _projection.Covers(alert) && !IsNewer(alert);
        if (!alreadyCounted)
        {
            _projection.Apply(message, now);
        }

        // The version moves even for a heartbeat or a message already counted: the data age it shows has changed.
        _version++;
    }

    /// <summary>
    /// Every change bumps the alert's version, so a message not newer than the one seen is already counted, whether
    /// the store's snapshot or an earlier message brought it (the feed delivers late, never out of order).
    /// </summary>
    private bool IsNewer(AlertChanged change)
    {
        if (_versions.TryGetValue(change.AlertId, out var seen) && change.Version <= seen)
        {
            return false;
        }

        _versions[change.AlertId] = change.Version;
        return true;
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
