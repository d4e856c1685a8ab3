using System.Collections.Concurrent;
using CommandCenter.Core;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Wall;

namespace CommandCenter.Web.Wall;

/// <summary>
/// One <see cref="WallScopeState"/> per scope, created on first use and kept for the life of the app (there are
/// only as many as nodes). Each state subscribes to the live feed once, however many walls show it, and is reloaded
/// from the store every <see cref="ResyncInterval"/> and at the city's midnight, so drift (a lost message, a job that
/// changed alerts without telling the feed) lasts minutes, not until the next restart; and at once when the link to
/// the other servers comes back after an outage, since what they changed meanwhile never arrived. Loads go through
/// <see cref="IWallSnapshotSource"/>.
/// </summary>
public sealed class WallStateRegistry(
    ILiveFeed feed,
    ReferenceData reference,
    TimeProvider time,
    IWallSnapshotSource snapshots,
    Infrastructure.Feed.FeedLink link,
    ILogger<WallStateRegistry> logger) : IDisposable
{
    public static readonly TimeSpan ResyncInterval = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Lazy<Task<WallScopeState>>> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveScope> _live = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private IDisposable? _relinked;
    private readonly Lock _mapLock = new();
    private CityMap? _loadedFor;

    /// <summary>The state of a scope, loaded on first call. Null when the code is not a city, town or community.</summary>
    public async Task<WallScopeState?> GetAsync(string scopeCode, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        DropStatesOfAnOlderMap();
        if (reference.Map.Find(scopeCode) is not { Level: not NodeLevel.Grid })
        {
            return null;
        }

        var lazy = _states.GetOrAdd(scopeCode, code => new Lazy<Task<WallScopeState>>(() => CreateAsync(code)));
        try
        {
            return await lazy.Value.WaitAsync(ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            _states.TryRemove(scopeCode, out _); // a failed load is retried by the next wall, not cached
            throw;
        }
    }

    /// <summary>
    /// States are loaded for one map: after a re-division their grids, names and shapes are stale. The walls subscribe
    /// again when the reference data changes, and get states loaded afresh with the new map.
    /// </summary>
    private void DropStatesOfAnOlderMap()
    {
        var map = reference.Map;
        lock (_mapLock)
        {
            if (ReferenceEquals(map, _loadedFor))
            {
                return;
            }

            foreach (var live in _live.Values)
            {
                live.Dispose();
            }

            _live.Clear();
            _states.Clear();
            _loadedFor = map;
        }
    }

    /// <summary>Completes when the resync running for <paramref name="scopeCode"/> (if any) has finished: tests wait on it.</summary>
    internal Task ResyncCompletion(string scopeCode) =>
        _live.TryGetValue(scopeCode, out var live) ? live.Resync : Task.CompletedTask;

    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        _relinked?.Dispose();
        foreach (var live in _live.Values)
        {
            live.Dispose();
        }

        _live.Clear();
        _stopping.Dispose();
    }

    private async Task<WallScopeState> CreateAsync(string scopeCode)
    {
        var node = reference.Map.Find(scopeCode)!;
        var stopping = _stopping.Token;
        WatchTheLink();

        // A new state holds the feed back until it is loaded: subscribing first means nothing falls between load and feed.
        var state = new WallScopeState(node, reference, time);
        var live = new LiveScope(feed.Subscribe((message, _) =>
        {
            state.Apply(message);
            return ValueTask.CompletedTask;
        }));
        _live[scopeCode] = live;
        try
        {
            ObjectDisposedException.ThrowIf(stopping.IsCancellationRequested, this); // disposed before it was registered
            await LoadAsync(state, node, stopping);
        }
        catch
        {
            _live.TryRemove(KeyValuePair.Create(scopeCode, live));
            live.Dispose(); // a failed load must not leave a subscription hoarding held messages
            throw;
        }

        live.StartResyncs(time, () => ResyncAsync(state, node, stopping));
        return state;
    }

    /// <summary>From the first state on, every state reloads when the link to the other servers comes back.</summary>
    private void WatchTheLink()
    {
        if (Volatile.Read(ref _relinked) is null)
        {
            var handle = link.WhenRestored(() =>
            {
                logger.LogInformation("The link to the other servers is back: reloading {Count} wall states from the store", _live.Count);
                foreach (var live in _live.Values)
                {
                    live.RequestResync();
                }
            });
            if (Interlocked.CompareExchange(ref _relinked, handle, null) is not null)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>The one way a state is (re)loaded, first time and every resync: hold the feed, read the store, then replay.</summary>
    private async Task LoadAsync(WallScopeState state, AdminNode node, CancellationToken ct)
    {
        state.HoldFeed();
        WallSnapshot snapshot;
        try
        {
            snapshot = await snapshots.LoadAsync(node, ct);
        }
        catch
        {
            state.ReleaseHeld(); // nothing held may be lost, nor the feed stay held
            throw;
        }

        state.Load(snapshot);
    }

    private async Task ResyncAsync(WallScopeState state, AdminNode node, CancellationToken ct)
    {
        try
        {
            await LoadAsync(state, node, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            // The state stays as the feed left it; the next resync tries again.
            logger.LogError(ex, "Resyncing the wall state of {ScopeCode} from the store failed", node.Code);
        }
    }

    /// <summary>
    /// What keeps a scope's state current: its feed subscription and resync timers. One resync runs at a
    /// time; a tick that comes while one runs asks for one more after it, so the midnight reload is never skipped.
    /// </summary>
    private sealed class LiveScope(IDisposable subscription) : IDisposable
    {
        private static readonly TimeSpan Day = TimeSpan.FromDays(1);

        private readonly Lock _lock = new();
        private Func<Task>? _resync;
        private ITimer? _interval;
        private ITimer? _midnight;
        private bool _running;
        private bool _again;
        private bool _disposed;

        /// <summary>The running (or last) resync.</summary>
        public Task Resync { get; private set; } = Task.CompletedTask;

        public void StartResyncs(TimeProvider time, Func<Task> resync)
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                _resync = resync;

                // The timers outlive whichever circuit happened to load the scope first: none of its context flows into them.
                var suppress = !ExecutionContext.IsFlowSuppressed();
                if (suppress)
                {
                    ExecutionContext.SuppressFlow();
                }

                try
                {
                    _interval = time.CreateTimer(_ => RequestResync(), null, ResyncInterval, ResyncInterval);
                    _midnight = time.CreateTimer(_ => AtMidnight(time), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
                finally
                {
                    if (suppress)
                    {
                        ExecutionContext.RestoreFlow();
                    }
                }

                _midnight.Change(UntilMidnight(time), Day);
                if (_again)
                {
                    Start(); // asked for while the first load ran (the link came back): what it read may already be old
                }
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _interval?.Dispose();
                _midnight?.Dispose();
            }

            subscription.Dispose();
        }

        private void AtMidnight(TimeProvider time)
        {
            lock (_lock)
            {
                // Re-aimed from the wall clock every night, so a timer running early or drifting cannot skip a day.
                if (!_disposed)
                {
                    _midnight!.Change(UntilMidnight(time), Day);
                }
            }

            RequestResync();
        }

        public void RequestResync()
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                if (_running || _resync is null)
                {
                    // Running: one more after it. Still loading for the first time: once the load is done (StartResyncs).
                    _again = true;
                    return;
                }

                Start();
            }
        }

        /// <summary>Under the lock: starts a run off the caller's thread (a timer's, or the Redis client's), since the reload reads the store.</summary>
        private void Start()
        {
            _running = true;
            _again = false;
            Resync = Task.Run(RunAsync);
        }

        private async Task RunAsync()
        {
            while (true)
            {
                await _resync!();
                lock (_lock)
                {
                    if (!_again || _disposed)
                    {
                        _running = false;
                        return;
                    }

                    _again = false;
                }
            }
        }

        private static TimeSpan UntilMidnight(TimeProvider time)
        {
            var now = time.GetUtcNow();
            return CityClock.StartOfDay(now).AddDays(1) - now;
        }
    }
}
