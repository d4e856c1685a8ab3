using System.Text.Json;
using CommandCenter.Core.Feed;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CommandCenter.Infrastructure.Feed;

/// <summary>The messages this server published itself, without those that came from other servers.</summary>
public interface IOwnFeed
{
    /// <summary>Receives every message this server publishes from now on, until the returned handle is disposed.</summary>
    IDisposable Subscribe(Func<FeedMessage, CancellationToken, ValueTask> receiver);
}

/// <summary>
/// The live feed across servers (setting <c>ConnectionStrings:Redis</c>). A message published here reaches this
/// server's subscribers at once, in process, and every other server's through one Redis channel; what arrives from
/// the channel is delivered here as if published here. While Redis is away each server keeps serving its own
/// subscribers (<see cref="FeedLink"/> says so) and the link comes back by itself. Heartbeats stay on their server:
/// each server beats for itself.
/// </summary>
public sealed class RedisLiveFeed : ILiveFeed, IOwnFeed, IDisposable
{
    /// <summary>The channel every server of one city publishes to and listens on.</summary>
    public static readonly RedisChannel Channel = RedisChannel.Literal("commandcenter:feed");

    private readonly InProcessLiveFeed _all;
    private readonly InProcessLiveFeed _own;
    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<RedisLiveFeed> _logger;
    private readonly Guid _server = Guid.NewGuid();

    public RedisLiveFeed(InProcessLiveFeed all, IConnectionMultiplexer redis, ILogger<InProcessLiveFeed> feedLogger, ILogger<RedisLiveFeed> logger)
    {
        _all = all;
        _own = new InProcessLiveFeed(feedLogger);
        _redis = redis;
        _logger = logger;
        _redis.GetSubscriber().Subscribe(Channel, (_, value) => Receive(value));
    }

    public void Publish(FeedMessage message)
    {
        _own.Publish(message);
        _all.Publish(message);
        if (message is FeedHeartbeat)
        {
            return;
        }

        try
        {
            var envelope = JsonSerializer.SerializeToUtf8Bytes(new Envelope(_server, message), FeedJson.Options);
            _redis.GetSubscriber().Publish(Channel, envelope, CommandFlags.FireAndForget);
        }
        catch (RedisException error)
        {
            // Redis is away: this server's subscribers have it; the others miss it until the link is back.
            _logger.LogDebug(error, "A feed message did not reach Redis");
        }
    }

    public IDisposable Subscribe(Func<FeedMessage, CancellationToken, ValueTask> receiver) => _all.Subscribe(receiver);

    IDisposable IOwnFeed.Subscribe(Func<FeedMessage, CancellationToken, ValueTask> receiver) => _own.Subscribe(receiver);

    public void Dispose()
    {
        _redis.GetSubscriber().Unsubscribe(Channel);
        _own.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private void Receive(RedisValue value)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>((byte[])value!, FeedJson.Options);
            if (envelope is { Message: { } message } && envelope.Server != _server)
            {
                _all.Publish(message);
            }
        }
        catch (JsonException error)
        {
            _logger.LogWarning(error, "A feed message from Redis could not be read; it was dropped");
        }
    }

    private sealed record Envelope(Guid Server, FeedMessage Message);
}

/// <summary>Whether this server's live feed reaches the other servers: always when there is one server.</summary>
public sealed class FeedLink
{
    private readonly IConnectionMultiplexer? _redis;
    private readonly Lock _lock = new();
    private Action? _restored;

    public FeedLink(IConnectionMultiplexer? redis = null)
    {
        _redis = redis;
        if (redis is not null)
        {
            // Any connection, not only the subscription one (RESP3 can share one for both): reloads requested
            // while one runs are merged into one more, so a restore seen twice costs one extra reload at most.
            redis.ConnectionRestored += (_, _) => Volatile.Read(ref _restored)?.Invoke();
        }
    }

    /// <summary>True when a Redis link is configured: there are, or may be, other servers.</summary>
    public bool IsShared => _redis is not null;

    /// <summary>False while a configured Redis is out of reach.</summary>
    public bool IsConnected => _redis?.IsConnected ?? true;

    /// <summary>
    /// Calls <paramref name="action"/> each time the link to the other servers comes back after an outage: what they
    /// changed meanwhile never arrived here, so whatever holds live state reloads it. Until the handle is disposed.
    /// </summary>
    public IDisposable WhenRestored(Action action)
    {
        lock (_lock)
        {
            _restored += action;
        }

        return new Unsubscriber(this, action);
    }

    private sealed class Unsubscriber(FeedLink link, Action action) : IDisposable
    {
        public void Dispose()
        {
            lock (link._lock)
            {
                link._restored -= action;
            }
        }
    }
}
