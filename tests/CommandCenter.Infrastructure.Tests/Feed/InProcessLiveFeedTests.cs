using System.Threading.Channels;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Feed;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Infrastructure.Tests.Feed;

public sealed class InProcessLiveFeedTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Subscribe_ReceivesMessagesInPublishOrder()
    {
        await using var feed = NewFeed();
        var inbox = new Inbox();
        using var subscription = feed.Subscribe(inbox.ReceiveAsync);

        for (var i = 1; i <= 100; i++)
        {
            feed.Publish(new Ping(i));
        }

        Assert.Equal(Enumerable.Range(1, 100), await inbox.TakeAsync(100));
    }

    [Fact]
    public async Task Publish_TwoSubscribers_BothReceiveEveryMessage()
    {
        await using var feed = NewFeed();
        var (first, second) = (new Inbox(), new Inbox());
        using var firstSubscription = feed.Subscribe(first.ReceiveAsync);
        using var secondSubscription = feed.Subscribe(second.ReceiveAsync);

        feed.Publish(new Ping(1));
        feed.Publish(new Ping(2));

        var (toFirst, toSecond) = (await first.TakeAsync(2), await second.TakeAsync(2));
        Assert.Equal([1, 2], toFirst);
        Assert.Equal([1, 2], toSecond);
    }

    [Fact]
    public async Task Subscribe_ReceiverThrowsOnOneMessage_StillReceivesTheNext()
    {
        await using var feed = NewFeed();
        var inbox = new Inbox();
        using var subscription = feed.Subscribe((message, ct) =>
            message is Ping { N: 2 } ? throw new InvalidOperationException("bad message") : inbox.ReceiveAsync(message, ct));

        feed.Publish(new Ping(1));
        feed.Publish(new Ping(2));
        feed.Publish(new Ping(3));

        var received = await inbox.TakeAsync(2);
        Assert.Equal([1, 3], received);
    }

    [Fact]
    public async Task Publish_SlowSubscriber_DoesNotDelayAnother()
    {
        await using var feed = NewFeed();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowInbox = new Inbox();
        using var slow = feed.Subscribe(async (message, ct) =>
        {
            await slowInbox.ReceiveAsync(message, ct);
            await release.Task.WaitAsync(ct);
        });
        var inbox = new Inbox();
        using var fast = feed.Subscribe(inbox.ReceiveAsync);

        for (var i = 1; i <= 10; i++)
        {
            feed.Publish(new Ping(i));
        }

        // The slow subscriber really is held on the first message while the other gets all ten; once let go it
        // gets the rest, in order, so being slow cost it time and nothing else.
        Assert.Equal(Enumerable.Range(1, 10), await inbox.TakeAsync(10));
        var held = await slowInbox.TakeAsync(1);
        Assert.Equal([1], held);
        Assert.False(slowInbox.HasMore);
        release.SetResult();
        Assert.Equal(Enumerable.Range(2, 9), await slowInbox.TakeAsync(9));
    }

    [Fact]
    public async Task Publish_SubscriberBlocked_ReturnsAtOnce()
    {
        await using var feed = NewFeed();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inbox = new Inbox();
        using var blocked = feed.Subscribe(async (message, ct) =>
        {
            await inbox.ReceiveAsync(message, ct);
            await release.Task.WaitAsync(ct);
        });
        feed.Publish(new Ping(0));
        var first = await inbox.TakeAsync(1);
        Assert.Equal([0], first);

        // Run off the test thread so a Publish that waited for the receiver fails the test instead of hanging it.
        var publishing = Task.Run(() =>
        {
            for (var i = 1; i <= 1000; i++)
            {
                feed.Publish(new Ping(i));
            }
        });

        await publishing.WaitAsync(Patience);

        // Returning at once must not mean dropping: the receiver, still on message 0 until now, gets all 1000.
        Assert.False(inbox.HasMore);
        release.SetResult();
        Assert.Equal(Enumerable.Range(1, 1000), await inbox.TakeAsync(1000));
    }

    [Fact]
    public async Task Dispose_Subscription_StopsDelivery()
    {
        await using var feed = NewFeed();
        var inbox = new Inbox();
        var subscription = feed.Subscribe(inbox.ReceiveAsync);
        feed.Publish(new Ping(1));
        await inbox.TakeAsync(1);

        subscription.Dispose();
        feed.Publish(new Ping(2));

        Assert.Equal(0, feed.SubscriberCount);
        await Task.Delay(100);
        Assert.False(inbox.HasMore);
    }

    [Fact]
    public async Task Dispose_OneSubscription_KeepsDeliveringToTheOthers()
    {
        await using var feed = NewFeed();
        var (leaving, staying) = (new Inbox(), new Inbox());
        var leavingSubscription = feed.Subscribe(leaving.ReceiveAsync);
        using var stayingSubscription = feed.Subscribe(staying.ReceiveAsync);

        leavingSubscription.Dispose();
        feed.Publish(new Ping(1));

        var received = await staying.TakeAsync(1);
        Assert.Equal([1], received);
    }

    private static InProcessLiveFeed NewFeed() => new(NullLogger<InProcessLiveFeed>.Instance);

    private sealed record Ping(int N) : FeedMessage(new NodePath("330188", null, null, null), DateTimeOffset.UnixEpoch);

    /// <summary>A receiver that queues what it gets, so a test can await the first n numbers.</summary>
    private sealed class Inbox
    {
        private readonly Channel<int> _received = Channel.CreateUnbounded<int>();

        public bool HasMore => _received.Reader.TryPeek(out _);

        public ValueTask ReceiveAsync(FeedMessage message, CancellationToken ct) => _received.Writer.WriteAsync(((Ping)message).N, ct);

        public async Task<int[]> TakeAsync(int count)
        {
            using var timeout = new CancellationTokenSource(Patience);
            var taken = new int[count];
            for (var i = 0; i < count; i++)
            {
                try
                {
                    taken[i] = await _received.Reader.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    Assert.Fail($"Received {i} of {count} messages within {Patience.TotalSeconds} s: [{string.Join(", ", taken[..i])}]");
                }
            }

            return taken;
        }
    }
}
