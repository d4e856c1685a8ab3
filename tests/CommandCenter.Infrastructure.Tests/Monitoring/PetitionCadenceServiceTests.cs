using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Petitions;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Infrastructure.Tests.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Infrastructure.Tests.Monitoring;

/// <summary>
/// <see cref="PetitionCadenceService.FlagOverdueAsync"/> on a real store with the seeded cadence (Brewing: a
/// follow-up every 240 min; Gathering: every 30): a warning whose last follow-up is older turns red exactly once per
/// missed cadence — on a second run, after downtime and when two runs race — and the next follow-up clears it.
/// </summary>
public sealed class PetitionCadenceServiceTests
{
    private static readonly TimeSpan _brewing = TimeSpan.FromMinutes(240);

    private static readonly TimeSpan _late = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task FlagOverdueAsync_ExactlyAtTheCadence_FlagsNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await OpenAsync(host);
        host.Time.Advance(_brewing);

        var flagged = await host.Get<PetitionCadenceService>().FlagOverdueAsync();

        Assert.Equal(0, flagged);
        Assert.Null((await StoredAsync(host)).FollowUpOverdueSince);
    }

    [Fact]
    public async Task FlagOverdueAsync_PastTheCadence_FlagsTheWarningRedSinceTheCadenceRanOut()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await OpenAsync(host);
        host.Time.Advance(_brewing + _late);

        var flagged = await host.Get<PetitionCadenceService>().FlagOverdueAsync();

        Assert.Equal(1, flagged);
        Assert.Equal(StoreHost.Start + _brewing, (await StoredAsync(host)).FollowUpOverdueSince);
    }

    [Fact]
    public async Task FlagOverdueAsync_PastTheCadence_WritesOneAuditEntryWithTheMissedMoment()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var warningId = await OpenAsync(host);
        host.Time.Advance(_brewing + _late);

        await host.Get<PetitionCadenceService>().FlagOverdueAsync();

        await using var db = host.NewDbContext();
        var audit = await db.AuditEntries.SingleAsync(e => e.Action == AuditAction.FollowUpOverdue);
        Assert.Equal((warningId.ToString(), "petition-cadence-job", "system"), (audit.SubjectId, audit.Actor, audit.Seat));
        Assert.Equal(("Brewing", "Brewing", (int?)1), (audit.FromState, audit.ToState, audit.PolicyVersion));
        Assert.Equal((host.Time.Now(), (DateTimeOffset?)(StoreHost.Start + _brewing)), (audit.At, audit.Deadline));
        Assert.Contains("240 min", audit.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlagOverdueAsync_PastTheCadence_PublishesOneChangeMarkedOverdueWithTheLatestFollowUp()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var warningId = await OpenAsync(host);
        await host.Get<PetitionService>().AddFollowUpAsync(warningId, new NewFollowUp("仍在酝酿"), Actors.Dispatcher);
        host.Time.Advance(_brewing + _late);

        await host.Get<PetitionCadenceService>().FlagOverdueAsync();

        var change = Assert.Single(feed.Published.OfType<PetitionWarningChanged>(), m => m.FollowUpOverdue);
        Assert.Equal((warningId, PetitionStage.Brewing, "仍在酝酿"), (change.WarningId, change.Stage, change.LatestFollowUp));
        Assert.Equal(new Core.Hierarchy.NodePath(Staff.CityCode, "330188001", "330188001002", null), change.Scope);
    }

    [Fact]
    public async Task FlagOverdueAsync_SecondRun_ChangesNothing()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        await OpenAsync(host);
        host.Time.Advance(_brewing + _late);
        var service = host.Get<PetitionCadenceService>();
        await service.FlagOverdueAsync();
        host.Time.Advance(_brewing + _late);

        var again = await service.FlagOverdueAsync();

        Assert.Equal(0, again);
        await using var db = host.NewDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.FollowUpOverdue));
        Assert.Single(feed.Published.OfType<PetitionWarningChanged>(), m => m.FollowUpOverdue);
    }

    [Fact]
    public async Task AddFollowUpAsync_OnARedWarning_ClearsTheFlagAndPublishesItCleared()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var warningId = await OpenAsync(host);
        host.Time.Advance(_brewing + _late);
        await host.Get<PetitionCadenceService>().FlagOverdueAsync();

        await host.Get<PetitionService>().AddFollowUpAsync(warningId, new NewFollowUp("已约谈牵头人"), Actors.Dispatcher);

        Assert.Null((await StoredAsync(host)).FollowUpOverdueSince);
        Assert.False(feed.Published.OfType<PetitionWarningChanged>().Last().FollowUpOverdue);
    }

    [Fact]
    public async Task FlagOverdueAsync_FollowedUpInTime_FlagsNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var warningId = await OpenAsync(host);
        host.Time.Advance(_brewing - _late);
        await host.Get<PetitionService>().AddFollowUpAsync(warningId, new NewFollowUp("仍在酝酿"), Actors.Dispatcher);
        host.Time.Advance(_late + _late);

        var flagged = await host.Get<PetitionCadenceService>().FlagOverdueAsync();

        Assert.Equal(0, flagged);
    }

    [Fact]
    public async Task FlagOverdueAsync_NextCadenceMissedAfterAFollowUp_FlagsAgainOnTheNewStagesCadence()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var warningId = await OpenAsync(host);
        var service = host.Get<PetitionCadenceService>();
        host.Time.Advance(_brewing + _late);
        await service.FlagOverdueAsync();
        await host.Get<PetitionService>().AddFollowUpAsync(warningId, new NewFollowUp("开始聚集", PetitionStage.Gathering), Actors.Dispatcher);
        var followUpAt = host.Time.Now();
        host.Time.Advance(TimeSpan.FromMinutes(30) + _late);

        var flagged = await service.FlagOverdueAsync();

        Assert.Equal(1, flagged);
        Assert.Equal(followUpAt.AddMinutes(30), (await StoredAsync(host)).FollowUpOverdueSince);
        await using var db = host.NewDbContext();
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.FollowUpOverdue));
    }

    [Fact]
    public async Task FlagOverdueAsync_DefusedWarning_FlagsNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var warningId = await OpenAsync(host);
        await host.Get<PetitionService>().AddFollowUpAsync(warningId, new NewFollowUp("已化解", PetitionStage.Defused), Actors.Dispatcher);
        host.Time.Advance(TimeSpan.FromDays(2));

        var flagged = await host.Get<PetitionCadenceService>().FlagOverdueAsync();

        Assert.Equal(0, flagged);
    }

    [Fact]
    public async Task FlagOverdueAsync_CadenceRanOutWhileTheServerWasDown_FlagsOnceAfterTheRestart()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(StoreHost.Start);
        await using (var before = await StoreHost.StartAsync(dir.Path, time))
        {
            await OpenAsync(before);
        }

        time.Advance(TimeSpan.FromHours(10));
        var feed = new RecordingFeed();
        await using var after = await StoreHost.StartAsync(dir.Path, time, feed);

        var flagged = await after.Get<PetitionCadenceService>().FlagOverdueAsync();
        var again = await after.Get<PetitionCadenceService>().FlagOverdueAsync();

        Assert.Equal((1, 0), (flagged, again));
        Assert.Equal(StoreHost.Start + _brewing, (await StoredAsync(after)).FollowUpOverdueSince);
        Assert.Single(feed.Published.OfType<PetitionWarningChanged>(), m => m.FollowUpOverdue);
    }

    [Fact]
    public async Task FlagOverdueAsync_TwoRunsAtOnce_FlagEachWarningExactlyOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        PetitionCadenceService[] services =
        [
            ActivatorUtilities.CreateInstance<PetitionCadenceService>(host.Services),
            ActivatorUtilities.CreateInstance<PetitionCadenceService>(host.Services),
        ];

        await RaceAsync(host, feed, services);
    }

    [Fact]
    public async Task FlagOverdueAsync_TwoServersSharingTheStoreAtOnce_FlagEachWarningExactlyOnce()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var first = await StoreHost.StartAsync(dir.Path, feed: feed);
        await using var second = await StoreHost.StartAsync(dir.Path, first.Time, feed);

        await RaceAsync(first, feed, [first.Get<PetitionCadenceService>(), second.Get<PetitionCadenceService>()]);
    }

    /// <summary>Rounds of ten warnings whose cadence runs out together, then both services flag at once.</summary>
    private static async Task RaceAsync(StoreHost host, RecordingFeed feed, PetitionCadenceService[] services)
    {
        const int warnings = 10;
        foreach (var round in Enumerable.Range(0, 3))
        {
            var ids = new List<Guid>();
            foreach (var i in Enumerable.Range(0, warnings))
            {
                ids.Add(await OpenAsync(host, $"PW-{round}-{i}"));
            }

            host.Time.Advance(_brewing + _late);

            var counts = await AtOnce.RunAsync(services.Length, i => services[i].FlagOverdueAsync());

            Assert.Equal(warnings, counts.Sum());
            await using var db = host.NewDbContext();
            var subjects = ids.Select(id => id.ToString()).ToList();
            var audited = await db.AuditEntries.Where(e => e.Action == AuditAction.FollowUpOverdue && subjects.Contains(e.SubjectId)).GroupBy(e => e.SubjectId).Select(g => g.Count()).ToListAsync();
            Assert.Equal(Enumerable.Repeat(1, warnings), audited);
            Assert.Equal(warnings, feed.Published.OfType<PetitionWarningChanged>().Count(m => m.FollowUpOverdue && ids.Contains(m.WarningId)));
        }
    }

    private static async Task<Guid> OpenAsync(StoreHost host, string externalId = "PW-1")
    {
        var report = new NewPetitionWarning(AlertSource.GridWorker, externalId, Staff.CommunityCode, "市政府", "工资拖欠", 30, AttentionLevel.Elevated, PetitionStage.Brewing);
        return (await host.Get<PetitionService>().OpenAsync(report, Actors.Dispatcher)).Warning.Id;
    }

    private static async Task<PetitionWarning> StoredAsync(StoreHost host)
    {
        await using var db = host.NewDbContext();
        return await db.PetitionWarnings.SingleAsync();
    }
}
