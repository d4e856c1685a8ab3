using System.Collections.Immutable;
using CommandCenter.Core.Feed;

namespace CommandCenter.Testing;

/// <summary>
/// An <see cref="ILiveFeed"/> for component tests: <see cref="Publish"/> hands the message to every subscriber
/// before it returns, so a test controls exactly what has arrived when.
/// </summary>
public sealed class ManualFeed : ILiveFeed
{
    private ImmutableArray<Func<FeedMessage, CancellationToken, ValueTask>> _receivers = [];

    public int SubscriberCount => _receivers.Length;

    public void Publish(FeedMessage message)
    {
        foreach (var receiver in _receivers)
        {
            receiver(message, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    public IDisposable Subscribe(Func<FeedMessage, CancellationToken, ValueTask> receiver)
    {
        ImmutableInterlocked.Update(ref _receivers, list => list.Add(receiver));
        return new Unsubscriber(() => ImmutableInterlocked.Update(ref _receivers, list => list.Remove(receiver)));
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
