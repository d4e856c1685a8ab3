using System.Text.Json;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Feed;
using CommandCenter.Infrastructure.Tests.Simulation;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Feed;

/// <summary>What crosses servers: every kind of message a simulated morning publishes reads back as it was written.</summary>
public sealed class FeedJsonTests
{
    [Fact]
    public async Task EveryMessageOfASimulatedMorning_ReadsBackAsTheSameMessage()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        await Simulators.RunAsync(host, Simulators.Prepared(host, SimulatedMorning.Seed), 300);
        feed.Publish(new FeedHeartbeat(host.Get<ReferenceData>().Map.PathOf(DemoCity.TownCode(0)), host.Time.GetUtcNow()));

        foreach (var message in feed.Published)
        {
            var json = JsonSerializer.Serialize(message, FeedJson.Options);
            var read = JsonSerializer.Deserialize<FeedMessage>(json, FeedJson.Options)!;

            Assert.Equal(message.GetType(), read.GetType());
            Assert.Equal(json, JsonSerializer.Serialize(read, FeedJson.Options));
        }

        var kinds = feed.Published.Select(m => m.GetType()).ToHashSet();
        Assert.Superset(new HashSet<Type> { typeof(AlertChanged), typeof(PetitionWarningChanged), typeof(TeamStatusChanged), typeof(DeploymentChanged), typeof(FeedHeartbeat) }, kinds);
    }
}
