using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Notifications;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Policies;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Notifications;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Infrastructure.Policies;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using static CommandCenter.Infrastructure.Tests.Notifications.DutyDesks;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>
/// Which events notify whom, on a real store: each kind of event becomes an item for the right node, whose people on
/// duty (and leader on call, from the town rung up) are fixed when the notification closes; the policy can silence an
/// event; a node nobody holds falls back up the hierarchy.
/// </summary>
public sealed class NotificationRulesTests
{
    [Fact]
    public async Task Run_SeriousAlertRaised_TellsTheCommunityOnDutyAtOnceWithoutTheLeader()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        var alert = await RaiseAsync(host, Grid, Severity.Serious);

        var (told, closed) = await host.RunAsync();

        Assert.Equal((1, 1), (told, closed));
        var (item, notification) = Assert.Single(await host.ToldAsync());
        Assert.Equal(($"raised:{alert}", NotificationEvent.AlertRaised, Community, Grid), (item.EventKey, item.Event, notification.NodeCode, item.PlaceCode));
        Assert.Equal(host.Time.GetUtcNow(), notification.ClosedAt);
        Assert.Equal(new[] { CommunityDuty.Name, CommunityDutyNoPhone.Name }.Order(), notification.Names());
        Assert.Contains("【重大】", item.Summary);
        Assert.StartsWith("【网格指挥中心】", notification.Text);
    }

    [Fact]
    public async Task Run_MajorAlertRaised_TellsNobody()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        await RaiseAsync(host, Grid, Severity.Major);

        Assert.Equal((0, 0), await host.RunAsync());
        Assert.Empty(await host.ToldAsync());
    }

    [Fact]
    public async Task Run_NoRosterBelowTheTown_TellsTheTown()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await SaveAsync(host, Town, [TownDuty], TownLeader);
        await RaiseAsync(host, Grid, Severity.Critical);

        await host.RunAsync();

        var (_, notification) = Assert.Single(await host.ToldAsync());
        Assert.Equal(Town, notification.NodeCode);
        Assert.Equal([TownDuty.Name], notification.Names());
    }

    [Fact]
    public async Task Run_CommunityShiftUnmanned_FallsBackToTheTownsPeople()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await SaveAsync(host, Community, [], CommunityLeader);
        await SaveAsync(host, Town, [TownDuty], TownLeader);
        await RaiseAsync(host, Grid, Severity.Critical);

        await host.RunAsync();

        var (_, notification) = Assert.Single(await host.ToldAsync());
        Assert.Equal(Community, notification.NodeCode);
        Assert.Equal([TownDuty.Name], notification.Names());
    }

    [Fact]
    public async Task Run_Escalated_TellsEachRungAndTheLeaderFromTheTownUp()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        var alert = await RaiseAsync(host, Grid, Severity.Major); // 01 × Major: acknowledge in 15 min, dispatch in 30

        host.Time.Advance(TimeSpan.FromMinutes(15));
        await host.Get<EscalationService>().EscalateDueAsync();
        await host.RunAsync();
        await host.Get<AlertWorkflowService>().ApplyAsync(alert, AlertAction.Acknowledge, AlertSteps.DutyOfficer, null);
        host.Time.Advance(TimeSpan.FromMinutes(30));
        await host.Get<EscalationService>().EscalateDueAsync();
        await host.RunAsync();

        var told = await host.ToldAsync();
        Assert.Equal([$"escalated:{alert}:1", $"escalated:{alert}:2"], told.Select(t => t.Item.EventKey));
        Assert.Equal([Community, Town], told.Select(t => t.Notification.NodeCode));
        Assert.Equal(new[] { CommunityDuty.Name, CommunityDutyNoPhone.Name }.Order(), told[0].Notification.Names());
        Assert.Equal(new[] { TownDuty.Name, TownLeader.Name }.Order(), told[1].Notification.Names());
        Assert.True(told[1].Notification.Addressees().Single(a => a.Recipient.Name == TownLeader.Name).Recipient.IsLeader);
    }

    [Fact]
    public async Task Run_PetitionWarningEntersGathering_TellsTheTownAndTheCity()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        var petitions = host.Get<PetitionService>();
        var warning = (await petitions.OpenAsync(
            new NewPetitionWarning(AlertSource.Hotline, "pw-1", Community, "市政府", "拆迁补偿", 30, AttentionLevel.Normal, PetitionStage.Brewing),
            Actors.Hotline)).Warning;
        await host.RunAsync();
        Assert.Empty(await host.ToldAsync());

        await petitions.AddFollowUpAsync(warning.Id, new NewFollowUp("已在街道门口聚集", PetitionStage.Gathering), Actors.Hotline);
        await host.RunAsync();

        var told = await host.ToldAsync();
        Assert.Equal(
            new[] { ($"petition:{warning.Id}:Gathering@{Town}", Town), ($"petition:{warning.Id}:Gathering@{City}", City) }.Order(),
            told.Select(t => (t.Item.EventKey, t.Notification.NodeCode)).Order());
        Assert.All(told, t => Assert.Equal((NotificationEvent.PetitionWarning, warning.Id), (t.Item.Event, t.Item.PetitionWarningId)));
        Assert.Equal([CityDuty.Name], told.Single(t => t.Notification.NodeCode == City).Notification.Names());
    }

    [Fact]
    public async Task Run_LateReportCharged_TellsTheResponsibleGridsNode()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        var alert = await RaiseAsync(host, Grid, Severity.Major, occurredAt: StoreHost.Start.AddHours(-2)); // Major limit: 60 min

        await host.Get<LateReportService>().ChargeDueAsync();
        await host.RunAsync();

        var (item, notification) = Assert.Single(await host.ToldAsync());
        Assert.Equal(($"late:{alert}", NotificationEvent.LateReportCharged, Community), (item.EventKey, item.Event, notification.NodeCode));
        Assert.Contains("【迟报】", item.Summary);
    }

    [Fact]
    public async Task Run_GridsTurnSilent_EachIsToldToItsCommunityOrTheFirstRosterAbove()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?>(Settings) { ["Monitoring:SilentGridHours"] = "1" };
        await using var host = await StartAsync(dir, settings);
        await StaffAllAsync(host);
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.Get<GridActivityService>().UpdateSilentGridsAsync();

        await host.RunAsync();

        var told = await host.ToldAsync();
        var grids = host.Get<ReferenceData>().Map.Grids.Count();
        Assert.Equal(grids, told.Count(t => t.Item.Event == NotificationEvent.SilentGrid));
        Assert.Equal(Community, told.Single(t => t.Item.PlaceCode == Grid).Notification.NodeCode);
        Assert.Equal(Town, told.Single(t => t.Item.PlaceCode == DemoCity.GridCode(0, 0, 1)).Notification.NodeCode);
        Assert.Equal(City, told.Single(t => t.Item.PlaceCode == DemoCity.GridCode(1, 0, 1)).Notification.NodeCode);
        Assert.All(told, t => Assert.StartsWith($"silent:{t.Item.PlaceCode}:", t.Item.EventKey));
    }

    [Fact]
    public async Task Run_SilenceThresholdInThePolicy_TellsOnlyOnceTheGridHasBeenSilentThatLong()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?>(Settings) { ["Monitoring:SilentGridHours"] = "1" };
        await using var host = await StartAsync(dir, settings);
        await StaffAllAsync(host);
        await NewPolicyAsync(host, NotificationPolicy.Default with { SilentGridAfter = TimeSpan.FromMinutes(30) });
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.Get<GridActivityService>().UpdateSilentGridsAsync();

        await host.RunAsync();
        var before = await host.ToldAsync();
        host.Time.Advance(TimeSpan.FromMinutes(30));
        await host.RunAsync();

        Assert.Empty(before);
        Assert.Contains(await host.ToldAsync(), t => t.Item.PlaceCode == Grid && t.Item.Event == NotificationEvent.SilentGrid);
    }

    [Fact]
    public async Task Run_PolicyTurnsAlertRaisedOff_CriticalAlertTellsNobody()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        await NewPolicyAsync(host, NotificationPolicy.Default with { AlertRaised = false });
        await RaiseAsync(host, Grid, Severity.Critical);

        Assert.Equal((0, 0), await host.RunAsync());
        Assert.Empty(await host.ToldAsync());
    }

    [Fact]
    public async Task Run_TwoServersScanningOneStoreAtOnce_TellEachEventOnce()
    {
        using var dir = new TempDirectory();
        await using var first = await StartAsync(dir);
        await using var second = await StoreHost.StartAsync(dir.Path, time: first.Time, settings: Settings, configure: AddChannels);
        await StaffAllAsync(first);
        var alerts = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            alerts.Add(await RaiseAsync(first, DemoCity.GridCode(0, i % 5, 1 + (i / 5)), Severity.Critical, $"two-{i}"));
        }

        var runs = await Task.WhenAll(first.RunAsync(), second.RunAsync(), first.RunAsync(), second.RunAsync());

        var told = await first.ToldAsync();
        Assert.Equal(alerts.Select(a => $"raised:{a}").Order(), told.Select(t => t.Item.EventKey).Order());
        Assert.Equal(20, runs.Sum(r => r.Told));
    }

    /// <summary>
    /// A write transaction still open while the scanner passes commits an entry below its cursor: the next pass (within
    /// the overlap) tells it, and what the scanner already told is neither planned nor told again. The late commit is
    /// played by hiding an entry from the scan (another action) while a later one is told, then showing it.
    /// </summary>
    [Fact]
    public async Task Run_AnEntryCommittedBelowTheCursor_IsToldOnTheNextPassAndNothingTwice()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        var late = await RaiseAsync(host, Grid, Severity.Critical, "late");
        var lateEntry = await RaisedEntryAsync(host, late);
        await RelabelAsync(host, lateEntry, AuditAction.RepeatMerged);
        var early = await RaiseAsync(host, DemoCity.GridCode(0, 1, 1), Severity.Critical, "early");
        Assert.Equal((1, 1), await host.RunAsync());

        await RelabelAsync(host, lateEntry, AuditAction.Raised);
        host.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1, (await host.RunAsync()).Told);
        Assert.Equal(0, (await host.RunAsync()).Told);
        Assert.True(lateEntry < await RaisedEntryAsync(host, early));
        Assert.Equal(new[] { $"raised:{early}", $"raised:{late}" }.Order(), (await host.ToldAsync()).Select(t => t.Item.EventKey).Order());
    }

    [Fact]
    public async Task Run_RepeatRaisesAnAlertToTheMinimumSeverityLater_TellsItThenOnce()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        var alert = await RaiseAsync(host, Grid, Severity.Major, "first");
        Assert.Equal((0, 0), await host.RunAsync());
        host.Time.Advance(NotificationScanner.Overlap * 3);

        var repeat = await RaiseAsync(host, Grid, Severity.Serious, "repeat");
        var (told, _) = await host.RunAsync();
        await RaiseAsync(host, Grid, Severity.Critical, "again");
        host.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(alert, repeat);
        Assert.Equal((1, 0), (told, (await host.RunAsync()).Told));
        var (item, _) = Assert.Single(await host.ToldAsync());
        Assert.Equal(($"raised:{alert}", NotificationEvent.AlertRaised), (item.EventKey, item.Event));
        Assert.Contains("【重大】", item.Summary);
    }

    [Fact]
    public async Task Ingest_RepeatRaisingTheSeverity_RecordsItInTheTrail()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        var alert = (await RaiseAsync(host, Grid, Severity.Major, "first")).ToString();
        await RaiseAsync(host, Grid, Severity.Major, "same");
        await RaiseAsync(host, Grid, Severity.Serious, "higher");

        await using var db = host.NewDbContext();
        var trail = await db.AuditEntries.Where(e => e.SubjectId == alert).OrderBy(e => e.Id).Select(e => new { e.Action, e.Comment }).ToListAsync();

        Assert.Equal(
            [AuditAction.Raised, AuditAction.RepeatMerged, AuditAction.RepeatMerged, AuditAction.SeverityRaised],
            trail.Select(e => e.Action));
        Assert.Equal($"{Severity.Major} → {Severity.Serious}", trail[^1].Comment);
    }

    private static async Task<long> RaisedEntryAsync(StoreHost host, Guid alert)
    {
        await using var db = host.NewDbContext();
        var id = alert.ToString();
        return await db.AuditEntries.Where(e => e.Subject == AuditSubject.Alert && e.SubjectId == id && e.Action == AuditAction.Raised).Select(e => e.Id).SingleAsync();
    }

    private static async Task RelabelAsync(StoreHost host, long entry, AuditAction action)
    {
        await using var db = host.NewDbContext();
        await db.AuditEntries.Where(e => e.Id == entry).ExecuteUpdateAsync(set => set.SetProperty(e => e.Action, action));
    }

    [Fact]
    public async Task Run_ScannerRestartedOnTheSameStore_NeitherLosesNorRepeatsEvents()
    {
        using var dir = new TempDirectory();
        Guid told, raisedWhileDown;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(StoreHost.Start);
        await using (var before = await StoreHost.StartAsync(dir.Path, time: time, settings: Settings, configure: AddChannels))
        {
            await StaffAllAsync(before);
            told = await RaiseAsync(before, Grid, Severity.Critical, "before");
            await before.RunAsync();
            time.Advance(TimeSpan.FromSeconds(5));
            raisedWhileDown = await RaiseAsync(before, DemoCity.GridCode(0, 1, 1), Severity.Critical, "while-down");
        }

        time.Advance(TimeSpan.FromMinutes(2));
        await using var after = await StoreHost.StartAsync(dir.Path, time: time, settings: Settings, configure: AddChannels);
        await after.RunAsync();
        await after.RunAsync();

        var items = await after.ToldAsync();
        Assert.Equal(new[] { $"raised:{told}", $"raised:{raisedWhileDown}" }.Order(), items.Select(t => t.Item.EventKey).Order());
    }

    internal static async Task<Guid> RaiseAsync(StoreHost host, string grid, Severity severity, string externalId = "ext-1", string category = "0101", DateTimeOffset? occurredAt = null) =>
        (await host.Get<AlertIngestionService>().IngestAsync(
            Reports.InGrid(grid, externalId, category, severity, occurredAt: occurredAt ?? host.Time.GetUtcNow()), Actors.Hotline)).Alert.Id;

    /// <summary>Saves a new policy version, effective at once, with <paramref name="notifications"/>, through the administration.</summary>
    internal static async Task NewPolicyAsync(StoreHost host, NotificationPolicy notifications)
    {
        var reference = host.Get<ReferenceData>();
        var draft = PolicyDraft.From(reference.CurrentPolicy) with { Name = "通知规则调整", Notifications = notifications };
        var admin = new Operator("u-admin", "管理员", Role.Admin, reference.Map.City.Code);
        var saved = await host.Get<PolicyAdministration>().CreateAsync(draft, admin);
        Assert.True(saved.Done, string.Join("; ", saved.Problems.Select(p => p.Key)));
    }
}
