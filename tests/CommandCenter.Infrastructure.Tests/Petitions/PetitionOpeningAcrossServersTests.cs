using CommandCenter.Core.Alerts;
using CommandCenter.Core.Petitions;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Petitions;

/// <summary>
/// Two servers sharing one store: two <see cref="StoreHost"/>s on the same data directory, each with its own
/// services, context factory and in-process gate, as two processes would have. Only the store's write lock keeps
/// their check-then-write apart. The scenario runs several rounds, each with a fresh external id, to make a race likely.
/// </summary>
public sealed class PetitionOpeningAcrossServersTests
{
    private const int Rounds = 5;

    private const int CallsPerServer = 5;

    private static readonly string CommunityCode = DemoCity.GridCode(0, 1, 1)[..12];

    [Fact]
    public async Task OpenAsync_SameWarningOnTwoServersAtOnce_StoresOneWarningAndReturnsItToEveryCall()
    {
        using var dir = new TempDirectory();
        await using var first = await StoreHost.StartAsync(dir.Path);
        await using var second = await StoreHost.StartAsync(dir.Path);
        PetitionService[] servers = [first.Get<PetitionService>(), second.Get<PetitionService>()];

        // A call that throws (e.g. a raw DbUpdateException from the unique (source, external id) index) fails the test here.
        var rounds = new List<(string ExternalId, PetitionResult[] Results)>();
        foreach (var round in Enumerable.Range(1, Rounds))
        {
            var externalId = $"pw-{round}";
            var results = await AtOnce.RunAsync(
                servers.Length * CallsPerServer, i => servers[i % servers.Length].OpenAsync(Warning(externalId), Actors.Dispatcher));
            rounds.Add((externalId, results));
        }

        await using var db = first.NewDbContext();
        Assert.Equal(Rounds, await db.PetitionWarnings.CountAsync());
        foreach (var (externalId, results) in rounds)
        {
            var warningId = await db.PetitionWarnings.Where(w => w.ExternalId == externalId).Select(w => w.Id).SingleAsync();
            Assert.All(results, r => Assert.Equal(warningId, r.Warning.Id));
            Assert.Single(results, r => r.Created);
        }
    }

    private static NewPetitionWarning Warning(string externalId) => new(
        AlertSource.GridWorker, externalId, CommunityCode, "市政府", "拆迁补偿", 30, AttentionLevel.Elevated, PetitionStage.Brewing);
}
