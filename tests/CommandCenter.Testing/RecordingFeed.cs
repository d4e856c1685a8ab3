using System.Collections.Concurrent;
using System.Threading.Channels;
using CommandCenter.Core.Feed;

namespace CommandCenter.Testing;

/// <summary>An <see cref="ILiveFeed"/> that records what is published and lets a test await the next message.</summary>
public sealed class RecordingFeed : ILiveFeed
{
    private readonly ConcurrentQueue<FeedMessage> _published = new();
    private readonly Channel<FeedMessage> _next = Channel.CreateUnbounded<FeedMessage>();

    public IReadOnlyCollection<FeedMessage> Published => _published;

    public void Publish(FeedMessage message)
    {
        _published.Enqueue(message);
        _next.Writer.TryWrite(message);
    }

    public IDisposable Subscribe(Func<FeedMessage, CancellationToken, ValueTask> receiver) =>
        throw new NotSupportedException("RecordingFeed only records; use InProcessLiveFeed to test delivery.");

    public async Task<T> NextAsync<T>(TimeSpan? timeout = null) where T : FeedMessage
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            if (await _next.Reader.ReadAsync(cts.Token) is T match)
            {
                return match;
            }
        }
    }
}
