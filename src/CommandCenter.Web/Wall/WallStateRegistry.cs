using System.Collections.Concurrent;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure;

namespace CommandCenter.Web.Wall;

/// <summary>
/// One <see cref="WallScopeState"/> per scope, created on first use and kept for the life of the app (there are
/// only as many as nodes). Each state subscribes to the live feed once, however many walls show it.
/// </summary>
public sealed class WallStateRegistry(ILiveFeed feed, ReferenceData reference, TimeProvider time, IServiceProvider services) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<WallScopeState>>> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<IDisposable> _subscriptions = [];

    /// <summary>The state of a scope, loaded on first call. Null when the code is not a city, town or community.</summary>
    public async Task<WallScopeState?> GetAsync(string scopeCode, CancellationToken ct = default)
    {
        if (reference.Map.Find(scopeCode) is not { Level: not Core.Hierarchy.NodeLevel.Grid })
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

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    private async Task<WallScopeState> CreateAsync(string scopeCode)
    {
        var state = new WallScopeState(reference.Map.Find(scopeCode)!, reference, time);

        // Subscribe before loading and hold back what arrives meanwhile, so nothing falls between load and feed.
        var held = new List<FeedMessage>();
        var loaded = false;
        var gate = new Lock();
        var subscription = feed.Subscribe((message, _) =>
        {
            lock (gate)
            {
                if (!loaded)
                {
                    held.Add(message);
                    return ValueTask.CompletedTask;
                }
            }

            state.Apply(message);
            return ValueTask.CompletedTask;
        });
        _subscriptions.Add(subscription);

        var loader = new WallSnapshotLoader(
            services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Infrastructure.Persistence.CommandCenterDbContext>>(), reference, time);
        try
        {
            state.Load(await loader.LoadAsync(reference.Map.Find(scopeCode)!, CancellationToken.None));
        }
        catch
        {
            subscription.Dispose(); // a failed load must not leave a subscription hoarding held messages
            throw;
        }

        lock (gate)
        {
            foreach (var message in held)
            {
                state.Apply(message);
            }

            loaded = true;
        }

        return state;
    }
}
