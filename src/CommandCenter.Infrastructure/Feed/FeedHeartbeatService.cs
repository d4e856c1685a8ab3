using CommandCenter.Core.Feed;
using Microsoft.Extensions.Hosting;

namespace CommandCenter.Infrastructure.Feed;

/// <summary>Publishes a <see cref="FeedHeartbeat"/> every <see cref="Interval"/>, city-wide.</summary>
public sealed class FeedHeartbeatService(ILiveFeed feed, ReferenceData reference, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            if (reference.HasCity)
            {
                var city = reference.Map.City.Code;
                feed.Publish(new FeedHeartbeat(new(city, null, null, null), time.GetUtcNow()));
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
