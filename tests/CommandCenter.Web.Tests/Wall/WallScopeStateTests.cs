using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Metrics;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using CommandCenter.Web.Wall;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Web.Tests.Wall;

/// <summary>
/// The city wall's state over the real demo store (no alerts yet at 10:00 Beijing time). Most tests feed a state by
/// hand, without timers; the registry tests let resyncs run.
/// </summary>
public sealed class WallScopeStateTests : WallTestContext
{
    private const string City = "330188";
    private static readonly string Grid = DemoCity.GridCode(0, 1, 2);
    private static readonly string OtherGrid = DemoCity.GridCode(1, 0, 1);
    private static readonly Operator DutyOfficer = new("u-city-duty", "王值班", Role.DutyOfficer, City);

    [Fact]
    public async Task View_OpenAndUnacknowledged_CountOpenAlertsAndThoseStillReported()
    {
        var state = await LoadedStateAsync();
        var acknowledged = Raised(Grid);
        var voided = Raised(OtherGrid);

        state.Apply(Raised(DemoCity.GridCode(2, 0, 1)));
        state.Apply(acknowledged);
        state.Apply(voided);
        state.Apply(Moved(acknowledged, AlertState.Acknowledged));
        state.Apply(Moved(voided, AlertState.Voided));

        var kpis = state.View().Kpis;
        Assert.Equal((2, 1), (kpis.Open, kpis.Unacknowledged));
    }

    [Fact]
    public async Task View_OpenAlertPastItsStageDeadline_IsOverdue()
    {
        var state = await LoadedStateAsync();
        var alert = Raised(Grid);
        var dispatchBy = Time.GetUtcNow() + TimeSpan.FromHours(2);
        state.Apply(alert);
        state.Apply(Moved(alert, AlertState.Acknowledged, stageDeadline: dispatchBy));

        Time.Advance(dispatchBy - Time.GetUtcNow() - TimeSpan.FromSeconds(1));
        var before = state.View().Kpis.Overdue;
        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal((0, 1), (before, state.View().Kpis.Overdue));
    }

    [Fact]
    public async Task View_OpenAlertWithoutStageDeadline_IsOverdueOnceTheAcknowledgeDeadlinePasses()
    {
        var state = await LoadedStateAsync();
        state.Apply(Raised(Grid)); // carries no stage deadline

        Time.Advance(AcknowledgeLimit() - TimeSpan.FromSeconds(1));
        var before = state.View().Kpis.Overdue;
        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal((0, 1), (before, state.View().Kpis.Overdue));
    }

    [Fact]
    public async Task View_MajorOrWorseToday_CountsEachGraveAlertOnce()
    {
        var state = await LoadedStateAsync();
        var major = Raised(Grid, Severity.Major);

        state.Apply(Raised(OtherGrid, Severity.General));
        state.Apply(major);
        state.Apply(Raised(DemoCity.GridCode(2, 0, 1), Severity.Critical));
        state.Apply(Moved(major, AlertState.Acknowledged));

        Assert.Equal(2, state.View().Kpis.MajorOrWorseToday);
    }

    [Fact]
    public async Task View_RepeatRaisingSeverityToMajor_CountsInMajorToday()
    {
        var state = await LoadedStateAsync();
        var id = Guid.NewGuid();

        state.Apply(Raised(Grid, id: id));
        state.Apply(Raised(Grid, Severity.Major, repeat: 1, id: id, change: AlertChange.RepeatMerged));

        Assert.Equal(1, state.View().Kpis.MajorOrWorseToday);
    }

    [Fact]
    public async Task View_ReportsToday_CountsEveryReportIncludingRepeats()
    {
        var state = await LoadedStateAsync();
        var id = Guid.NewGuid();
        var first = Raised(Grid, id: id);

        state.Apply(first);
        state.Apply(Raised(Grid, repeat: 1, id: id, change: AlertChange.RepeatMerged));
        state.Apply(Raised(Grid, repeat: 2, id: id, change: AlertChange.RepeatMerged));
        state.Apply(Moved(first, AlertState.Acknowledged) with { Version = 4, RepeatCount = 2 });

        Assert.Equal(3, state.View().Kpis.ReportsToday);
    }

    [Fact]
    public async Task View_AcknowledgedBeforeTheDeadline_IsOnTime()
    {
        var state = await LoadedStateAsync();
        var alert = Raised(Grid);
        state.Apply(alert);

        Time.Advance(AcknowledgeLimit() - TimeSpan.FromSeconds(1));
        state.Apply(Moved(alert, AlertState.Acknowledged));

        Assert.Equal(1.0, state.View().Kpis.OnTimeAckRateToday);
    }

    [Fact]
    public async Task View_AcknowledgedAfterTheDeadline_IsLate()
    {
        var state = await LoadedStateAsync();
        var alert = Raised(Grid);
        state.Apply(alert);

        Time.Advance(AcknowledgeLimit() + TimeSpan.FromSeconds(1));
        state.Apply(Moved(alert, AlertState.Acknowledged));

        Assert.Equal(0.0, state.View().Kpis.OnTimeAckRateToday);
    }

    [Fact]
    public async Task View_UnacknowledgedPastTheDeadline_CountsAsMissed()
    {
        var state = await LoadedStateAsync();
        var acknowledged = Raised(Grid);
        state.Apply(acknowledged);
        state.Apply(Raised(OtherGrid));
        state.Apply(Moved(acknowledged, AlertState.Acknowledged));

        Time.Advance(AcknowledgeLimit() + TimeSpan.FromSeconds(1));

        Assert.Equal(0.5, state.View().Kpis.OnTimeAckRateToday);
    }

    [Fact]
    public async Task View_VoidedWhileReported_IsNotAnAcknowledgement()
    {
        var state = await LoadedStateAsync();
        var alert = Raised(Grid);
        state.Apply(alert);

        state.Apply(Moved(alert, AlertState.Voided));

        Assert.Null(state.View().Kpis.OnTimeAckRateToday);
    }

    [Fact]
    public async Task View_AcknowledgedAgainAfterHandingBack_CountsOnlyTheFirstAcknowledgement()
    {
        var state = await LoadedStateAsync();
        var alert = Raised(Grid);
        var acknowledged = Moved(alert, AlertState.Acknowledged);
        var handedBack = Moved(acknowledged, AlertState.Reported, stageDeadline: alert.ReportedAt + AcknowledgeLimit());
        state.Apply(alert);
        state.Apply(acknowledged);
        state.Apply(handedBack);

        Time.Advance(AcknowledgeLimit() + TimeSpan.FromSeconds(1));
        state.Apply(Moved(handedBack, AlertState.Acknowledged));

        Assert.Equal(1.0, state.View().Kpis.OnTimeAckRateToday);
    }

    [Fact]
    public async Task View_AtTheCitysMidnight_ResetsTodaysCounters()
    {
        var state = await LoadedStateAsync();
        var alert = Raised(Grid, Severity.Major);
        state.Apply(alert);
        state.Apply(Moved(alert, AlertState.Acknowledged));
        var midnight = CityClock.StartOfDay(Time.GetUtcNow()).AddDays(1);

        Time.Advance(midnight - Time.GetUtcNow() - TimeSpan.FromSeconds(1));
        var before = state.View().Kpis;
        Time.Advance(TimeSpan.FromSeconds(1));
        var after = state.View().Kpis;

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero), midnight); // 00:00 in UTC+8
        Assert.Equal((1, 1, 1.0), (before.MajorOrWorseToday, before.ReportsToday, before.OnTimeAckRateToday));
        Assert.Equal((0, 0, null), (after.MajorOrWorseToday, after.ReportsToday, after.OnTimeAckRateToday));
        Assert.Equal(1, after.Open);
    }

    [Fact]
    public async Task Load_HeldMessagesTheSnapshotAlreadyHas_AreNotCountedTwice()
    {
        await UseStoreAsync();
        var state = NewState(); // a new state holds the feed until it is loaded
        using var subscription = Feed.Subscribe(ApplyTo(state));
        var alert = (await ReportAsync("hl-1")).Alert;
        await ReportAsync("hl-2");
        await Store.Get<AlertWorkflowService>().ApplyAsync(alert.Id, AlertAction.Void, DutyOfficer, "误报");

        state.Load(await LoadSnapshotAsync());

        var kpis = state.View().Kpis;
        Assert.Equal((0, 2), (kpis.Open, kpis.ReportsToday));
        Assert.Equal(AlertState.Voided, Assert.Single(state.View().RecentAlerts).State);
    }

    [Fact]
    public async Task Load_HeldMessageNewerThanTheSnapshot_IsApplied()
    {
        await UseStoreAsync();
        var state = NewState();
        using var subscription = Feed.Subscribe(ApplyTo(state));
        var snapshot = await LoadSnapshotAsync();

        await ReportAsync("hl-1");
        state.Load(snapshot);

        var kpis = state.View().Kpis;
        Assert.Equal((1, 1), (kpis.Open, kpis.ReportsToday));
    }

    [Fact]
    public async Task Apply_MessageDeliveredAgain_IsNotCountedTwice()
    {
        var state = await LoadedStateAsync();
        var id = Guid.NewGuid();
        var repeat = Raised(Grid, repeat: 1, id: id, change: AlertChange.RepeatMerged);
        state.Apply(Raised(Grid, id: id));

        state.Apply(repeat);
        state.Apply(repeat);

        Assert.Equal(2, state.View().Kpis.ReportsToday);
    }

    [Fact]
    public async Task Load_FromTheStore_AgreesWithTheLiveFeed()
    {
        await UseStoreAsync();
        using var metrics = RecordMetrics(); // as the app's recorder does: the trend's settled past is read from there
        var live = (await Services.GetRequiredService<WallStateRegistry>().GetAsync(City))!;
        var workflow = Store.Get<AlertWorkflowService>();
        await ReportAsync("hl-1");
        Time.Advance(TimeSpan.FromMinutes(1));
        await ReportAsync("hl-2", Severity.Major); // merges into hl-1, raising it to major
        Time.Advance(TimeSpan.FromMinutes(1));
        var voided = (await ReportAsync("hl-3", grid: OtherGrid)).Alert;
        await workflow.ApplyAsync(voided.Id, AlertAction.Void, DutyOfficer, "误报");
        Time.Advance(TimeSpan.FromMinutes(1));
        var acknowledged = (await ReportAsync("hl-4", grid: DemoCity.GridCode(2, 0, 1))).Alert;
        Time.Advance(TimeSpan.FromMinutes(1));
        await workflow.ApplyAsync(acknowledged.Id, AlertAction.Acknowledge, DutyOfficer, null);

        var stored = NewState();
        stored.Load(await LoadSnapshotAsync());

        var (fromStore, fromFeed) = (stored.View(), live.View());
        Assert.Equal((2, 1, 4, 1.0), (fromFeed.Kpis.Open, fromFeed.Kpis.MajorOrWorseToday, fromFeed.Kpis.ReportsToday, fromFeed.Kpis.OnTimeAckRateToday));
        Assert.Equal(fromStore.Kpis, fromFeed.Kpis);
        Assert.Equal(fromStore.RecentAlerts, fromFeed.RecentAlerts);
        Assert.Equal(fromStore.Trend, fromFeed.Trend);
        Assert.Equal((3, 0), (fromFeed.Trend[^1].General, fromFeed.Trend[^1].Major)); // hl-1 at the severity it was raised with
    }

    [Fact]
    public async Task Load_VoidedWhileReported_IsNotAnAcknowledgement()
    {
        await UseStoreAsync();
        var alert = (await ReportAsync("hl-1")).Alert;
        await Store.Get<AlertWorkflowService>().ApplyAsync(alert.Id, AlertAction.Void, DutyOfficer, "误报");

        var state = NewState();
        state.Load(await LoadSnapshotAsync());

        Assert.Null(state.View().Kpis.OnTimeAckRateToday);
    }

    [Fact]
    public async Task Load_AcknowledgedAlert_RowSaysWhoHandlesIt()
    {
        await UseStoreAsync();
        var alert = (await ReportAsync("hl-1")).Alert;
        await Store.Get<AlertWorkflowService>().ApplyAsync(alert.Id, AlertAction.Acknowledge, DutyOfficer, null);

        var state = NewState();
        state.Load(await LoadSnapshotAsync());

        Assert.Equal("王值班", Assert.Single(state.View().RecentAlerts).HandlerName);
    }

    [Fact]
    public async Task Apply_AcknowledgedAlert_RowSaysWhoHandlesIt()
    {
        var state = await LoadedStateAsync();
        var alert = Raised(Grid);
        state.Apply(alert);

        state.Apply(Moved(alert, AlertState.Acknowledged, handler: "王值班"));

        Assert.Equal("王值班", Assert.Single(state.View().RecentAlerts).HandlerName);
    }

    [Fact]
    public async Task Apply_DefusedPetition_LeavesTheWall()
    {
        var state = await LoadedStateAsync();
        var gathering = Petition(PetitionStage.Gathering);
        state.Apply(gathering);
        var before = state.View().Kpis.ActivePetitions;

        state.Apply(gathering with { Stage = PetitionStage.Defused, PreviousStage = PetitionStage.Gathering, Version = 2 });

        Assert.Equal(1, before);
        Assert.Empty(state.View().Petitions);
        Assert.Equal(0, state.View().Kpis.ActivePetitions);
    }

    [Fact]
    public async Task Apply_NewerTeamStatus_ReplacesTheOlder()
    {
        var state = await LoadedStateAsync();
        Time.Advance(TimeSpan.FromMinutes(1));

        state.Apply(TeamUpdate(TeamStatus.EnRoute, Time.GetUtcNow()));

        Assert.Equal(TeamStatus.EnRoute, state.View().Teams.Single(t => t.Code == "TM-001").Status);
    }

    [Fact]
    public async Task Apply_OlderTeamStatus_DoesNotReplaceANewerOne()
    {
        var state = await LoadedStateAsync();
        Time.Advance(TimeSpan.FromMinutes(5));
        state.Apply(TeamUpdate(TeamStatus.OnScene, Time.GetUtcNow()));

        state.Apply(TeamUpdate(TeamStatus.EnRoute, Time.GetUtcNow() - TimeSpan.FromMinutes(2)));

        Assert.Equal(TeamStatus.OnScene, state.View().Teams.Single(t => t.Code == "TM-001").Status);
    }

    [Fact]
    public async Task View_MajorAlertMarker_ExpiresAfterTenMinutes()
    {
        var state = await LoadedStateAsync();
        state.Apply(Raised(Grid, Severity.Major));

        Time.Advance(WallProjection.MarkerLifetime);
        var atTenMinutes = state.View().Markers.Count;
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, atTenMinutes);
        Assert.Empty(state.View().Markers);
    }

    [Fact]
    public async Task View_Trend_CountsNewAlertsBySeverityInTenMinuteBucketsOverSixHours()
    {
        var state = await LoadedStateAsync();
        state.Apply(Raised(Grid));
        state.Apply(Raised(OtherGrid));
        state.Apply(Raised(DemoCity.GridCode(2, 0, 1), Severity.Serious));

        var trend = state.View().Trend;

        Assert.Equal(36, trend.Count); // the clock starts on a bucket boundary, so the newest bucket starts now
        Assert.Equal(TimeSpan.FromHours(6), trend[^1].Start + WallProjection.TrendBucket - trend[0].Start);
        Assert.Equal((Time.GetUtcNow(), 2, 1, 3), (trend[^1].Start, trend[^1].General, trend[^1].Serious, trend[^1].Total));
        Assert.All(trend.SkipLast(1), bucket => Assert.Equal(0, bucket.Total));
    }

    [Fact]
    public async Task View_Trend_DropsABucketOnceItIsSixHoursOld()
    {
        var state = await LoadedStateAsync();
        state.Apply(Raised(Grid));

        Time.Advance(TimeSpan.FromHours(6) - WallProjection.TrendBucket);
        var lastMoment = state.View().Trend[0].Total;
        Time.Advance(WallProjection.TrendBucket);

        Assert.Equal(1, lastMoment);
        Assert.Equal(0, state.View().Trend.Sum(b => b.Total));
    }

    [Fact]
    public async Task View_Trend_KeepsAnAlertAtTheSeverityItWasRaisedWith()
    {
        var state = await LoadedStateAsync();
        var id = Guid.NewGuid();
        state.Apply(Raised(Grid, id: id));

        state.Apply(Raised(Grid, Severity.Serious, repeat: 1, id: id, change: AlertChange.RepeatMerged));

        // As the metric store's raised point has it, so the next load does not move it back.
        var bucket = state.View().Trend[^1];
        Assert.Equal((1, 0), (bucket.General, bucket.Serious));
        Assert.Equal(1, state.View().Kpis.MajorOrWorseToday); // the major tally is by current severity
    }

    [Fact]
    public async Task Apply_WithNobodyViewing_PrunesExpiredMarkersAndTrendBuckets()
    {
        var state = await LoadedStateAsync();
        state.Apply(Raised(Grid, Severity.Major));
        var fresh = state.Retained;

        Time.Advance(TimeSpan.FromHours(7));
        state.Apply(new FeedHeartbeat(PathOf(City), Time.GetUtcNow()));

        Assert.Equal((1, 1), fresh);
        Assert.Equal((0, 0), state.Retained);
    }

    [Fact]
    public async Task Resync_AfterTheInterval_PicksUpAChangeMadeOnlyInTheStore()
    {
        await UseStoreAsync();
        var registry = Services.GetRequiredService<WallStateRegistry>();
        var state = (await registry.GetAsync(City))!;
        var alert = (await ReportAsync("hl-1")).Alert;
        await CloseInStoreOnlyAsync(alert.Id);

        Time.Advance(WallStateRegistry.ResyncInterval - TimeSpan.FromSeconds(1));
        await registry.ResyncCompletion(City);
        var before = state.View().Kpis.Open;
        Time.Advance(TimeSpan.FromSeconds(1));
        await registry.ResyncCompletion(City);

        Assert.Equal((1, 0), (before, state.View().Kpis.Open));
        Assert.Equal(AlertState.Closed, Assert.Single(state.View().RecentAlerts).State);
    }

    [Fact]
    public async Task Resync_AtTheCitysMidnight_ReloadsFromTheStore()
    {
        await UseStoreAsync();
        Time.Advance(TimeSpan.FromSeconds(150)); // so the five-minute resyncs fall at :02:30 and :07:30, never at midnight
        var registry = Services.GetRequiredService<WallStateRegistry>();
        var state = (await registry.GetAsync(City))!;
        var midnight = CityClock.StartOfDay(Time.GetUtcNow()).AddDays(1);
        Time.Advance(midnight - TimeSpan.FromMinutes(2) - Time.GetUtcNow()); // past the 23:57:30 resync
        await registry.ResyncCompletion(City);
        await RaiseInStoreOnlyAsync();

        Time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        await registry.ResyncCompletion(City);
        var before = state.View().Kpis.Open;
        Time.Advance(TimeSpan.FromSeconds(1));
        await registry.ResyncCompletion(City);

        Assert.Equal((0, 1), (before, state.View().Kpis.Open));
    }

    [Fact]
    public async Task Resync_LeavesTheDataAgeToTheFeed()
    {
        await UseStoreAsync();
        var registry = Services.GetRequiredService<WallStateRegistry>();
        var state = (await registry.GetAsync(City))!;
        Feed.Publish(new FeedHeartbeat(PathOf(City), Time.GetUtcNow()));
        var heard = Time.GetUtcNow();

        Time.Advance(WallStateRegistry.ResyncInterval);
        await registry.ResyncCompletion(City);

        Assert.Equal(heard, state.LastDataAt);
    }

    [Fact]
    public async Task Dispose_StopsFeedSubscriptionAndResyncs()
    {
        await UseStoreAsync();
        var registry = Services.GetRequiredService<WallStateRegistry>();
        var state = (await registry.GetAsync(City))!;
        var subscribed = Feed.SubscriberCount;

        registry.Dispose();
        await RaiseInStoreOnlyAsync();
        Time.Advance(WallStateRegistry.ResyncInterval * 2);
        await registry.ResyncCompletion(City);

        Assert.Equal((1, 0), (subscribed, Feed.SubscriberCount));
        Assert.Equal(0, state.View().Kpis.Open);
    }

    [Fact]
    public async Task View_OpenAlertPastItsStageDeadline_EntersTheOverduePanel()
    {
        var state = await LoadedStateAsync();
        var alert = Raised(Grid);
        var dispatchBy = Time.GetUtcNow() + TimeSpan.FromHours(1);
        state.Apply(alert);
        state.Apply(Moved(alert, AlertState.Acknowledged, handler: "王值班", stageDeadline: dispatchBy));

        Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        var before = state.View().Overdue;
        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(before);
        var row = Assert.Single(state.View().Overdue);
        Assert.Equal((alert.AlertId, "楼道堆物", "王值班", dispatchBy, NodeLevel.Grid), (row.Id, row.Title, row.HandlerName, row.DueBy, row.Rung));
        Assert.Equal(DemoCity.Map().Find(Grid)!.Name, row.GridName);
        Assert.Equal(1, state.View().Kpis.Overdue);
    }

    [Fact]
    public async Task View_Overdue_MostEscalatedFirstThenLongestOverdue()
    {
        var state = await LoadedStateAsync();
        var now = Time.GetUtcNow();
        var newest = Overdue(Grid, level: 1, dueAgo: TimeSpan.FromMinutes(5));
        var oldest = Overdue(OtherGrid, level: 1, dueAgo: TimeSpan.FromMinutes(50));
        var highest = Overdue(DemoCity.GridCode(2, 0, 1), level: 3, dueAgo: TimeSpan.FromMinutes(1));
        var notYetEscalated = Overdue(DemoCity.GridCode(3, 0, 1), level: 0, dueAgo: TimeSpan.FromHours(2));

        foreach (var change in new[] { newest, notYetEscalated, oldest, highest })
        {
            state.Apply(change);
        }

        var overdue = state.View().Overdue;
        Assert.Equal([highest.AlertId, oldest.AlertId, newest.AlertId, notYetEscalated.AlertId], overdue.Select(r => r.Id));
        Assert.Equal([NodeLevel.City, NodeLevel.Community, NodeLevel.Community, NodeLevel.Grid], overdue.Select(r => r.Rung));
        Assert.Equal(now - TimeSpan.FromMinutes(50), overdue[1].DueBy);
    }

    [Fact]
    public async Task Apply_Escalated_MovesTheOverdueRowUpTheLadder()
    {
        var state = await LoadedStateAsync();
        var alert = Overdue(Grid, level: 1, dueAgo: TimeSpan.FromMinutes(5));
        state.Apply(alert);

        state.Apply(alert with { Change = AlertChange.Escalated, EscalationLevel = 2, Version = alert.Version + 1, At = Time.GetUtcNow() });

        var row = Assert.Single(state.View().Overdue);
        Assert.Equal((2, NodeLevel.Town), (row.EscalationLevel, row.Rung));
    }

    [Theory]
    [InlineData(AlertState.Voided)]
    [InlineData(AlertState.Closed)]
    public async Task Apply_OverdueAlertVoidedOrClosed_LeavesTheOverduePanel(AlertState final)
    {
        var state = await LoadedStateAsync();
        var alert = Overdue(Grid, level: 1, dueAgo: TimeSpan.FromMinutes(5), state: final == AlertState.Closed ? AlertState.Resolved : AlertState.Reported);
        state.Apply(alert);
        var before = state.View().Overdue.Count;

        state.Apply(Moved(alert, final));

        Assert.Equal(1, before);
        Assert.Empty(state.View().Overdue);
        Assert.Equal(0, state.View().Kpis.Overdue);
    }

    [Fact]
    public async Task Apply_AcknowledgedIntoAStageNotYetDue_LeavesTheOverduePanel()
    {
        var state = await LoadedStateAsync();
        var alert = Overdue(Grid, level: 1, dueAgo: TimeSpan.FromMinutes(5));
        state.Apply(alert);

        state.Apply(Moved(alert, AlertState.Acknowledged, handler: "王值班", stageDeadline: Time.GetUtcNow() + TimeSpan.FromHours(1)));

        Assert.Empty(state.View().Overdue);
    }

    [Fact]
    public async Task Load_OverdueAlertsInTheStore_ListsThemWithRungAndHolder()
    {
        await UseStoreAsync();
        var now = Time.GetUtcNow();
        var twice = OverdueAlerts.Replay(Reference, Grid, rungs: 2, TimeSpan.FromMinutes(3), now, DutyOfficer, title: "井盖缺失");
        var unclaimed = OverdueAlerts.Replay(Reference, OtherGrid, rungs: 1, TimeSpan.FromMinutes(40), now, title: "占道经营");
        await using (var db = Store.NewDbContext())
        {
            db.Alerts.AddRange(twice, unclaimed);
            await db.SaveChangesAsync();
        }

        var state = NewState();
        state.Load(await LoadSnapshotAsync());

        var overdue = state.View().Overdue;
        Assert.Equal(
            [(twice.Id, "井盖缺失", NodeLevel.Town, "王值班", AlertState.Acknowledged), (unclaimed.Id, "占道经营", NodeLevel.Community, (string?)null, AlertState.Reported)],
            overdue.Select(r => (r.Id, r.Title, r.Rung, r.HandlerName, r.State)));
        Assert.Equal(now - TimeSpan.FromMinutes(40), overdue[1].DueBy);
    }

    [Fact]
    public async Task Load_FromTheStore_AgreesWithTheLiveFeedOnOverdueAndLateReports()
    {
        await UseStoreAsync();
        var registry = Services.GetRequiredService<WallStateRegistry>();
        var live = (await registry.GetAsync(City))!;
        var late = (await ReportAsync("late-1", occurredAgo: TimeSpan.FromHours(5))).Alert;
        var acknowledged = (await ReportAsync("hl-2", grid: OtherGrid)).Alert;
        var waiting = (await ReportAsync("hl-3", grid: DemoCity.GridCode(2, 0, 1))).Alert;
        await Store.Get<AlertWorkflowService>().ApplyAsync(acknowledged.Id, AlertAction.Acknowledge, DutyOfficer, null);
        Time.Advance(AcknowledgeLimit() + TimeSpan.FromMinutes(1));

        // The advance passes the five-minute resync, which reloads in the background and holds the feed meanwhile;
        // compared while it runs, the live view would lag by the messages it holds.
        await registry.ResyncCompletion(City);
        await Store.Get<EscalationService>().EscalateDueAsync();
        await Store.Get<LateReportService>().ChargeDueAsync();

        var stored = NewState();
        stored.Load(await LoadSnapshotAsync());

        var (fromStore, fromFeed) = (stored.View(), live.View());
        Assert.Equal(new[] { late.Id, waiting.Id }.Order(), fromFeed.Overdue.Select(r => r.Id).Order());
        Assert.All(fromFeed.Overdue, row => Assert.Equal(NodeLevel.Community, row.Rung));
        Assert.Equal(fromStore.Overdue, fromFeed.Overdue);
        Assert.Equal(fromStore.LateReportsTodayByGrid, fromFeed.LateReportsTodayByGrid);
        Assert.Equal(1, fromFeed.LateReportsTodayByGrid[Grid]);
        Assert.True(fromFeed.RecentAlerts.Single(r => r.Id == late.Id).IsLateReport);
    }

    [Fact]
    public async Task Apply_LateReportCharged_MarksTheFeedRowTheOverdueRowAndTheGrid()
    {
        var state = await LoadedStateAsync();
        var alert = Overdue(Grid, level: 1, dueAgo: TimeSpan.FromMinutes(5));
        state.Apply(alert);
        var before = (state.View().RecentAlerts.Single().IsLateReport, state.View().Overdue.Single().IsLateReport, state.View().LateReportsTodayByGrid.Count);

        state.Apply(Charged(alert));

        var view = state.View();
        Assert.Equal((false, false, 0), before);
        Assert.True(view.RecentAlerts.Single().IsLateReport);
        Assert.True(view.Overdue.Single().IsLateReport);
        Assert.Equal(1, view.LateReportsTodayByGrid[Grid]);
    }

    [Fact]
    public async Task Apply_ChangeAfterALateReportCharge_KeepsTheMark()
    {
        var state = await LoadedStateAsync();
        var alert = Raised(Grid);
        state.Apply(alert);
        state.Apply(Charged(alert));

        state.Apply(Moved(alert, AlertState.Acknowledged, handler: "王值班"));

        Assert.True(state.View().RecentAlerts.Single().IsLateReport);
    }

    [Fact]
    public async Task View_LateReportGridsToday_CountEachLateAlertOnceAndResetAtMidnight()
    {
        var state = await LoadedStateAsync();
        var flagged = Raised(Grid) with { IsLateReport = true };
        state.Apply(flagged);
        state.Apply(Charged(flagged));
        state.Apply(Raised(Grid) with { IsLateReport = true });
        state.Apply(Raised(OtherGrid));
        var midnight = CityClock.StartOfDay(Time.GetUtcNow()).AddDays(1);
        var today = state.View().LateReportsTodayByGrid;

        Time.Advance(midnight - Time.GetUtcNow());

        Assert.Equal(new Dictionary<string, int> { [Grid] = 2 }, today);
        Assert.Empty(state.View().LateReportsTodayByGrid);
    }

    [Fact]
    public async Task Apply_SilentGridsChanged_ReplacesTheSilentSet()
    {
        var state = await LoadedStateAsync();
        state.Apply(Silent([Grid, OtherGrid], []));
        var first = state.View().SilentGrids.ToHashSet();

        state.Apply(Silent([OtherGrid, DemoCity.GridCode(5, 4, 10)], [Grid]));

        Assert.Equal(new HashSet<string> { Grid, OtherGrid }, first);
        Assert.Equal(new HashSet<string> { OtherGrid, DemoCity.GridCode(5, 4, 10) }, state.View().SilentGrids.ToHashSet());
    }

    [Fact]
    public async Task Apply_SilentGridsChanged_TownKeepsOnlyItsOwnGrids()
    {
        await UseStoreAsync();
        var town = new WallScopeState(Reference.Map.Find(DemoCity.TownCode(0))!, Reference, Time);
        town.Load(await LoadSnapshotAsync(DemoCity.TownCode(0)));

        town.Apply(Silent([Grid, OtherGrid], []));

        Assert.Equal([Grid], town.View().SilentGrids);
    }

    [Fact]
    public async Task Load_SilentGrids_ComeFromGridActivityForTheScopeOnly()
    {
        await UseStoreAsync();
        var options = Store.Get<Microsoft.Extensions.Options.IOptionsMonitor<MonitoringOptions>>().CurrentValue;
        Time.Advance(options.SilentAfter + TimeSpan.FromMinutes(1)); // no report anywhere since the store was seeded
        await Store.Get<GridActivityService>().UpdateSilentGridsAsync();
        var city = NewState();
        var town = new WallScopeState(Reference.Map.Find(DemoCity.TownCode(0))!, Reference, Time);

        city.Load(await LoadSnapshotAsync());
        town.Load(await LoadSnapshotAsync(DemoCity.TownCode(0)));

        Assert.Equal(300, city.View().SilentGrids.Count);
        Assert.Equal(50, town.View().SilentGrids.Count);
        Assert.All(town.View().SilentGrids, code => Assert.True(Reference.Map.IsWithin(code, DemoCity.TownCode(0))));
    }

    private WallScopeState NewState() => new(Reference.Map.Find(City)!, Reference, Time);

    /// <summary>A city state loaded from the store and then fed by hand: no subscription, no timers.</summary>
    private async Task<WallScopeState> LoadedStateAsync()
    {
        await UseStoreAsync();
        var state = NewState();
        state.Load(await LoadSnapshotAsync());
        return state;
    }

    private Task<WallSnapshot> LoadSnapshotAsync(string scope = City) =>
        Services.GetRequiredService<IWallSnapshotSource>().LoadAsync(Reference.Map.Find(scope)!, CancellationToken.None);

    /// <summary>An open alert (reported, unless <paramref name="state"/> says otherwise) whose stage fell due <paramref name="dueAgo"/>, escalated to <paramref name="level"/>.</summary>
    private AlertChanged Overdue(string grid, int level, TimeSpan dueAgo, AlertState state = AlertState.Reported) =>
        Raised(grid) with
        {
            State = state,
            StageDeadline = Time.GetUtcNow() - dueAgo,
            EscalationLevel = level,
            IsOverdue = level > 0,
            Change = AlertChange.Escalated,
        };

    private LateReportCharged Charged(AlertChanged alert) => new(
        alert.Scope, Time.GetUtcNow(), alert.AlertId, alert.Scope.GridCode!, "李网格", "张三", alert.Severity,
        alert.OccurredAt, alert.ReportedAt, TimeSpan.FromHours(2), TimeSpan.FromHours(3));

    private SilentGridsChanged Silent(IReadOnlyList<string> silent, IReadOnlyList<string> noLonger) =>
        new(PathOf(City), Time.GetUtcNow(), silent, noLonger);

    private static Func<FeedMessage, CancellationToken, ValueTask> ApplyTo(WallScopeState state) => (message, _) =>
    {
        state.Apply(message);
        return ValueTask.CompletedTask;
    };

    /// <summary>The seeded policy's acknowledge limit for the alerts <see cref="WallTestContext.Raised"/> makes.</summary>
    private TimeSpan AcknowledgeLimit() => Reference.CurrentPolicy.DeadlinesFor("0301", Severity.General, Reference.Categories).Acknowledge;

    /// <summary>The message for <paramref name="alert"/> moving to <paramref name="to"/> now.</summary>
    private AlertChanged Moved(AlertChanged alert, AlertState to, string? handler = null, DateTimeOffset? stageDeadline = null) =>
        alert with
        {
            Change = AlertChange.StateChanged,
            PreviousState = alert.State,
            State = to,
            At = Time.GetUtcNow(),
            Version = alert.Version + 1,
            HandlerName = handler,
            StageDeadline = stageDeadline,
        };

    /// <summary>A hotline report through the real ingestion, which stores it and publishes on <see cref="WallTestContext.Feed"/>.</summary>
    private Task<IngestResult> ReportAsync(string externalId, Severity severity = Severity.General, string? grid = null, TimeSpan? occurredAgo = null) =>
        Store.Get<AlertIngestionService>().IngestAsync(
            new NewAlertReport(AlertSource.Hotline, externalId, "0301", severity, grid ?? Grid, null, Time.GetUtcNow() - (occurredAgo ?? TimeSpan.Zero), "楼道堆物"),
            Actor.System("api:hotline"));

    /// <summary>Raises an alert straight in the store, as a job might, with nothing on the feed.</summary>
    private async Task RaiseInStoreOnlyAsync()
    {
        var policy = Reference.CurrentPolicy;
        var now = Time.GetUtcNow();
        var report = new NewAlertReport(AlertSource.Hotline, "store-only", "0301", Severity.General, Grid, null, now, "楼道堆物");
        await using var db = await Services.GetRequiredService<IDbContextFactory<CommandCenterDbContext>>().CreateDbContextAsync();
        db.Alerts.Add(Alert.Raise(report, Reference.Map.PathOf(Grid), policy.Version, false, policy.DeadlinesFor("0301", Severity.General, Reference.Categories), Guid.NewGuid(), now));
        await db.SaveChangesAsync();
    }

    /// <summary>Walks an alert to Closed straight in the store, with nothing on the feed.</summary>
    private async Task CloseInStoreOnlyAsync(Guid alertId)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<CommandCenterDbContext>>().CreateDbContextAsync();
        var alert = await db.Alerts.SingleAsync(a => a.Id == alertId);
        alert.WalkTo(AlertState.Closed, Time.GetUtcNow());

        await db.SaveChangesAsync();
    }

    private PetitionWarningChanged Petition(PetitionStage stage)
    {
        var now = Time.GetUtcNow();
        return new PetitionWarningChanged(
            PathOf(Grid), now, Guid.NewGuid(), stage, null, Grid, "市政府", "征地补偿", 40, AttentionLevel.High, now, now, null, 1);
    }

    private TeamStatusChanged TeamUpdate(TeamStatus status, DateTimeOffset since) => new(
        PathOf(City), Time.GetUtcNow(), "TM-001", "明湖市治安巡防大队", TeamType.SecurityPatrol, NodeLevel.City, status, null, since, null, null, null, null);
}
