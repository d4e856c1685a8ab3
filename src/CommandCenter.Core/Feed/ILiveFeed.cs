namespace CommandCenter.Core.Feed;

/// <summary>
/// The live feed of domain changes. Publishing never waits for receivers; receivers get every message in publish
/// order. Implementations may span processes (a later one carries it over Redis), so callers must not assume that
/// a subscriber runs in the publisher's process or at the moment of publishing.
/// </summary>
public interface ILiveFeed
{
    /// <summary>Queues a message for every subscriber and returns at once.</summary>
    void Publish(FeedMessage message);

    /// <summary>Receives every message published from now on, until the returned handle is disposed.</summary>
    IDisposable Subscribe(Func<FeedMessage, CancellationToken, ValueTask> receiver);
}
