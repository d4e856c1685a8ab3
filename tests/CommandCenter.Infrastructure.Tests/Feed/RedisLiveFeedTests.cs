using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Feed;
using CommandCenter.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CommandCenter.Infrastructure.Tests.Feed;

/// <summary>
/// Two servers' feeds on a real Redis: a change published on one reaches the other's subscribers once and its own at
/// once; heartbeats stay home; with Redis gone each keeps serving its own subscribers, and the link comes back by itself.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Redis)]
public sealed class RedisLiveFeedTests : IAsyncLifetime
{
    private static readonly NodePath Place = new("330188", "330188001", "330188001001", "330188001001001");
    private RedisServer _redis = null!;
    private readonly List<IDisposable> _owned = [];

    public async Task InitializeAsync() => _redis = await RedisServer.StartNewAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AMessagePublishedOnOneServer_ReachesTheOther_OnceEach_AndHeartbeatsStayHome()
    {
        var (a, b) = (Server(), Server());
        var onA = Record((ILiveFeed)a);
        var onB = Record((ILiveFeed)b);
        var ownOnB = Record((IOwnFeed)b);
        await WaitUntilLinkedAsync(a, onB);

        a.Publish(Change("crossing"));
        a.Publish(new FeedHeartbeat(Place, DateTimeOffset.UnixEpoch));

        await WaitForAsync(() => onB.Any(m => m is AlertChanged { Title: "crossing" }));
        await Task.Delay(300); // anything twice, or a heartbeat, would have come by now
        Assert.Single(onB, m => m is AlertChanged { Title: "crossing" });
        Assert.Single(onA, m => m is AlertChanged { Title: "crossing" });
        Assert.DoesNotContain(onB, m => m is FeedHeartbeat);
        Assert.DoesNotContain(ownOnB, m => m is AlertChanged { Title: "crossing" }); // B's hub relay must not send it again
        Assert.Contains(onA, m => m is FeedHeartbeat);
    }

    [Fact]
    public async Task RedisGone_EachServerServesItsOwn_AndTheLinkComesBackByItself()
    {
        var (a, b) = (Server(), Server());
        var onA = Record((ILiveFeed)a);
        var onB = Record((ILiveFeed)b);
        await WaitUntilLinkedAsync(a, onB);
        var link = new FeedLink(_multiplexers[0]);

        _redis.Stop();
        await WaitForAsync(() => !link.IsConnected, seconds: 30);
        a.Publish(Change("during the outage"));

        await WaitForAsync(() => onA.Any(m => m is AlertChanged { Title: "during the outage" }));
        await _redis.StartAsync();
        await WaitForAsync(() => link.IsConnected, seconds: 30);
        await WaitUntilLinkedAsync(a, onB);
        a.Publish(Change("after"));
        await WaitForAsync(() => onB.Any(m => m is AlertChanged { Title: "after" }));
    }

    private readonly List<IConnectionMultiplexer> _multiplexers = [];

    private RedisLiveFeed Server()
    {
        var options = ConfigurationOptions.Parse(_redis.ConnectionString);
        options.AbortOnConnectFail = false;
        var multiplexer = ConnectionMultiplexer.Connect(options);
        _multiplexers.Add(multiplexer);
        var feed = new RedisLiveFeed(new InProcessLiveFeed(NullLogger<InProcessLiveFeed>.Instance), multiplexer, NullLogger<InProcessLiveFeed>.Instance, NullLogger<RedisLiveFeed>.Instance);
        _owned.Add(multiplexer);
        _owned.Add(feed);
        return feed;
    }

    private List<FeedMessage> Record(ILiveFeed feed) => Record(feed.Subscribe);

    private List<FeedMessage> Record(IOwnFeed feed) => Record(feed.Subscribe);

    private List<FeedMessage> Record(Func<Func<FeedMessage, CancellationToken, ValueTask>, IDisposable> subscribe)
    {
        var seen = new List<FeedMessage>();
        _owned.Add(subscribe((message, _) =>
        {
            lock (seen)
            {
                seen.Add(message);
            }

            return ValueTask.CompletedTask;
        }));
        return seen;
    }

    /// <summary>A subscription to a Redis channel takes effect a moment after it is asked for: probe until one crosses.</summary>
    private static async Task WaitUntilLinkedAsync(RedisLiveFeed from, List<FeedMessage> to)
    {
        // Probes of this call only: those of an earlier call (before an outage) would say linked when it is not.
        var marker = $"probe {Guid.NewGuid():N}";
        var probe = 0;
        await WaitForAsync(() =>
        {
            from.Publish(Change($"{marker} {probe++}"));
            lock (to)
            {
                return to.Any(m => m is AlertChanged { Title: var title } && title.StartsWith(marker, StringComparison.Ordinal));
            }
        }, seconds: 30);
    }

    private static async Task WaitForAsync(Func<bool> done, int seconds = 5)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            bool met;
            try
            {
                met = done();
            }
            catch (InvalidOperationException)
            {
                met = false; // a list read while a delivery added to it
            }

            if (met)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Not within {seconds} s.");
            await Task.Delay(50);
        }
    }

    private static AlertChanged Change(string title) => new(
        Place, DateTimeOffset.UnixEpoch, AlertChange.Raised, Guid.NewGuid(), Core.Alerts.AlertState.Reported, null, "0101", Core.Alerts.Severity.General,
        title, Core.Alerts.AlertSource.GridWorker, null, null, 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, false, 1);
}
