using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Petitions;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Infrastructure.Tests.Petitions;

public sealed class PetitionServiceTests
{
    private static readonly string CommunityCode = DemoCity.GridCode(0, 1, 1)[..12];

    [Fact]
    public async Task OpenAsync_NewWarning_StoresItPlacedInItsCommunity()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await host.Get<PetitionService>().OpenAsync(Warning(), Actors.Dispatcher);

        Assert.True(result.Created);
        await using var db = host.NewDbContext();
        var stored = await db.PetitionWarnings.SingleAsync();
        Assert.Equal((result.Warning.Id, PetitionStage.Brewing), (stored.Id, stored.Stage));
        Assert.Equal((CommunityCode, CommunityCode[..9]), (stored.CommunityCode, stored.TownCode));
        Assert.Equal(AuditAction.Raised, (await db.AuditEntries.ExceptSetUp().SingleAsync()).Action);
    }

    [Fact]
    public async Task OpenAsync_SameSourceAndExternalIdAgain_ReturnsTheStoredWarning()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<PetitionService>();
        var first = await service.OpenAsync(Warning(), Actors.Dispatcher);

        var again = await service.OpenAsync(Warning() with { EstimatedHeadcount = 99 }, Actors.Dispatcher);

        Assert.False(again.Created);
        Assert.Equal((first.Warning.Id, 30), (again.Warning.Id, again.Warning.EstimatedHeadcount));
        await using var db = host.NewDbContext();
        Assert.Equal((1, 1), (await db.PetitionWarnings.CountAsync(), await db.AuditEntries.ExceptSetUp().CountAsync()));
    }

    [Fact]
    public async Task OpenAsync_OriginNotACommunityOrGrid_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await Assert.ThrowsAsync<DomainRuleException>(() =>
            host.Get<PetitionService>().OpenAsync(Warning() with { OriginCode = CommunityCode[..9] }, Actors.Dispatcher));
    }

    [Fact]
    public async Task AddFollowUpAsync_LaterStage_MovesTheWarningAndStoresTheFollowUp()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<PetitionService>();
        var opened = await service.OpenAsync(Warning(), Actors.Dispatcher);
        host.Time.Advance(TimeSpan.FromMinutes(15));

        await service.AddFollowUpAsync(opened.Warning.Id, new NewFollowUp("现场约50人聚集", PetitionStage.Gathering, 50), Actors.Dispatcher);

        await using var db = host.NewDbContext();
        var stored = await db.PetitionWarnings.Include(w => w.FollowUps).SingleAsync();
        Assert.Equal((PetitionStage.Gathering, 50, StoreHost.Start.AddMinutes(15)), (stored.Stage, stored.EstimatedHeadcount, stored.LastFollowUpAt));
        var followUp = Assert.Single(stored.FollowUps);
        Assert.Equal((PetitionStage.Brewing, PetitionStage.Gathering, "现场约50人聚集"), (followUp.FromStage, followUp.ToStage, followUp.Text));
    }

    [Fact]
    public async Task AddFollowUpAsync_LaterStage_WritesAFollowUpAuditEntry()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<PetitionService>();
        var opened = await service.OpenAsync(Warning(), Actors.Dispatcher);

        await service.AddFollowUpAsync(opened.Warning.Id, new NewFollowUp("人员开始聚集", PetitionStage.Gathering), Actors.Dispatcher);

        await using var db = host.NewDbContext();
        var audit = await db.AuditEntries.ExceptSetUp().OrderBy(e => e.Id).LastAsync();
        Assert.Equal((AuditAction.FollowUp, nameof(PetitionStage.Brewing), nameof(PetitionStage.Gathering)), (audit.Action, audit.FromState, audit.ToState));
    }

    [Fact]
    public async Task AddFollowUpAsync_EarlierStage_IsRefusedAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var service = host.Get<PetitionService>();
        var opened = await service.OpenAsync(Warning() with { Stage = PetitionStage.Moving }, Actors.Dispatcher);

        await Assert.ThrowsAsync<DomainRuleException>(() =>
            service.AddFollowUpAsync(opened.Warning.Id, new NewFollowUp("回到聚集点", PetitionStage.Gathering), Actors.Dispatcher));

        await using var db = host.NewDbContext();
        Assert.Equal(PetitionStage.Moving, (await db.PetitionWarnings.SingleAsync()).Stage);
        Assert.False(await db.PetitionFollowUps.AnyAsync());
        Assert.Equal(1, await db.AuditEntries.ExceptSetUp().CountAsync());
    }

    [Fact]
    public async Task AddFollowUpAsync_UnknownWarning_ReturnsNull()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await host.Get<PetitionService>().AddFollowUpAsync(Guid.NewGuid(), new NewFollowUp("续报"), Actors.Dispatcher);

        Assert.Null(result);
    }

    [Fact]
    public async Task AddFollowUpAsync_LaterStage_PublishesTheChangeWithThePreviousStage()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var service = host.Get<PetitionService>();
        var opened = await service.OpenAsync(Warning(), Actors.Dispatcher);
        await service.AddFollowUpAsync(opened.Warning.Id, new NewFollowUp("人员开始聚集", PetitionStage.Gathering), Actors.Dispatcher);

        var onOpen = await feed.NextAsync<PetitionWarningChanged>();
        var onFollowUp = await feed.NextAsync<PetitionWarningChanged>();

        Assert.Equal((PetitionStage.Brewing, (PetitionStage?)null), (onOpen.Stage, onOpen.PreviousStage));
        Assert.Equal((PetitionStage.Gathering, (PetitionStage?)PetitionStage.Brewing), (onFollowUp.Stage, onFollowUp.PreviousStage));
        Assert.Equal(
            (opened.Warning.Id, CommunityCode, "人员开始聚集"),
            (onFollowUp.WarningId, onFollowUp.Scope.CommunityCode, onFollowUp.LatestFollowUp));
    }

    [Fact]
    public async Task AddFollowUpAsync_TwentyAtOnce_AllSucceed()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var opened = await host.Get<PetitionService>().OpenAsync(Warning(), Actors.Dispatcher);

        var results = await AddTwentyFollowUpsAtOnceAsync(host, opened.Warning.Id);

        Assert.All(results, result => Assert.NotNull(result));
    }

    [Fact]
    public async Task AddFollowUpAsync_TwentyAtOnce_StoresEveryFollowUp()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var opened = await host.Get<PetitionService>().OpenAsync(Warning(), Actors.Dispatcher);

        await AddTwentyFollowUpsAtOnceAsync(host, opened.Warning.Id);

        await using var db = host.NewDbContext();
        var texts = await db.PetitionFollowUps.Where(f => f.PetitionWarningId == opened.Warning.Id).Select(f => f.Text).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 20).Select(FollowUpText).Order(), texts.Order());
    }

    [Fact]
    public async Task AddFollowUpAsync_TwentyAtOnce_AdvancesTheVersionByTwenty()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var opened = await host.Get<PetitionService>().OpenAsync(Warning(), Actors.Dispatcher);

        await AddTwentyFollowUpsAtOnceAsync(host, opened.Warning.Id);

        await using var db = host.NewDbContext();
        Assert.Equal(opened.Warning.Version + 20, (await db.PetitionWarnings.SingleAsync()).Version);
    }

    [Fact]
    public async Task AddFollowUpAsync_TwoServersAtOnce_EachSucceedsOrIsRefusedByTheRules()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var opened = await host.Get<PetitionService>().OpenAsync(Warning(), Actors.Dispatcher);

        var outcomes = await AddFollowUpsAtOnceOnTwoServersAsync(host, opened.Warning.Id);

        // A version conflict between the servers is refused as a rule ("changed by someone else … retry").
        Assert.Contains(outcomes, o => o.Error is null);
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.IsType<DomainRuleException>(o.Error));
    }

    [Fact]
    public async Task AddFollowUpAsync_TwoServersAtOnce_StoresExactlyTheFollowUpsThatSucceeded()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var opened = await host.Get<PetitionService>().OpenAsync(Warning(), Actors.Dispatcher);

        var outcomes = await AddFollowUpsAtOnceOnTwoServersAsync(host, opened.Warning.Id);

        await using var db = host.NewDbContext();
        var stored = await db.PetitionFollowUps.Where(f => f.PetitionWarningId == opened.Warning.Id).Select(f => f.Text).ToListAsync();
        Assert.Equal(outcomes.Where(o => o.Error is null).Select(o => o.Text).Order(), stored.Order());
    }

    /// <summary>
    /// Twenty follow-ups on one warning from each of two servers sharing the store: each has its own service (and
    /// lock), so only the warning's version token keeps them apart. Each outcome is the follow-up's text and its error.
    /// </summary>
    private static async Task<(string Text, Exception? Error)[]> AddFollowUpsAtOnceOnTwoServersAsync(StoreHost host, Guid warningId)
    {
        PetitionService[] servers =
        [
            host.Get<PetitionService>(),
            new(host.Get<IDbContextFactory<CommandCenterDbContext>>(), host.Get<ReferenceData>(), host.Get<ILiveFeed>(), host.Time, NullLogger<PetitionService>.Instance),
        ];
        return await Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run<(string Text, Exception? Error)>(async () =>
        {
            var text = FollowUpText(i);
            var error = await Record.ExceptionAsync(() => servers[i % 2].AddFollowUpAsync(warningId, new NewFollowUp(text), Actors.Dispatcher));
            return (text, error);
        })));
    }

    /// <summary>
    /// Twenty follow-ups on one warning at once: most keep the stage, every fifth reports gathering, so each is legal
    /// in whatever order they apply.
    /// </summary>
    private static Task<PetitionWarning?[]> AddTwentyFollowUpsAtOnceAsync(StoreHost host, Guid warningId)
    {
        var service = host.Get<PetitionService>();
        return Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(() => service.AddFollowUpAsync(
            warningId, new NewFollowUp(FollowUpText(i), i % 5 == 0 ? PetitionStage.Gathering : null), Actors.Dispatcher))));
    }

    private static string FollowUpText(int i) => $"续报{i}：现场情况稳定";

    private static NewPetitionWarning Warning() => new(
        AlertSource.GridWorker, "pw-1", CommunityCode, "市政府", "拆迁补偿", 30, AttentionLevel.Elevated, PetitionStage.Brewing);
}
