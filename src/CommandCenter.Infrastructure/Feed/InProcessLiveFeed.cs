using System.Collections.Immutable;
using System.Threading.Channels;
using CommandCenter.Core.Feed;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Feed;

/// <summary>
/// The live feed inside one process. Each subscriber has its own queue and its own delivery loop, so a slow
/// receiver (a busy circuit) delays only itself, and a publisher never waits for anyone.
/// </summary>
public sealed class InProcessLiveFeed(ILogger<InProcessLiveFeed> logger) : ILiveFeed, IOwnFeed, IAsyncDisposable
{
    private ImmutableArray<Subscription> _subscriptions = [];

    public int SubscriberCount => _subscriptions.Length;

    public void Publish(FeedMessage message)
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Enqueue(message);
        }
    }

    public IDisposable Subscribe(Func<FeedMessage, CancellationToken, ValueTask> receiver)
    {
        var subscription = new Subscription(this, receiver);
        ImmutableInterlocked.Update(ref _subscriptions, list => list.Add(subscription));
        subscription.Start();
        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        var all = ImmutableInterlocked.InterlockedExchange(ref _subscriptions, []);
        foreach (var subscription in all)
        {
            await subscription.StopAsync();
        }
    }

    private void Remove(Subscription subscription) =>
        ImmutableInterlocked.Update(ref _subscriptions, list => list.Remove(subscription));

    private sealed class Subscription(InProcessLiveFeed feed, Func<FeedMessage, CancellationToken, ValueTask> receiver) : IDisposable
    {
        private readonly Channel<FeedMessage> _queue = Channel.CreateUnbounded<FeedMessage>(new UnboundedChannelOptions { SingleReader = true });
        private readonly CancellationTokenSource _stopping = new();
        private Task _loop = Task.CompletedTask;

        public void Enqueue(FeedMessage message) => _queue.Writer.TryWrite(message);

        public void Start() => _loop = Task.Run(DeliverAsync);

        public void Dispose()
        {
            feed.Remove(this);
            _queue.Writer.TryComplete();
            _stopping.Cancel();
        }

        public async Task StopAsync()
        {
            Dispose();
            await _loop.ConfigureAwait(false);
        }

        private async Task DeliverAsync()
        {
            try
            {
                await foreach (var message in _queue.Reader.ReadAllAsync(_stopping.Token))
                {
                    try
                    {
                        await receiver(message, _stopping.Token);
                    }
                    catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex)
                    {
                        // One bad message must not end this subscriber's stream.
                        feed.Log(ex, message);
                    }
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Unsubscribed.
            }
        }
    }

    private void Log(Exception ex, FeedMessage message) =>
        logger.LogError(ex, "A live-feed receiver failed on {MessageType}", message.GetType().Name);
}
