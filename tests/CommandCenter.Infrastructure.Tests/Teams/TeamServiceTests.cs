using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Infrastructure.Tests.Teams;

public sealed class TeamServiceTests
{
    // TM-024 is a community team of 330188001001; the alert is in one of that community's grids.
    private const string TeamCode = "TM-024";
    private static readonly string AlertGrid = DemoCity.GridCode(0, 0, 3);

    [Fact]
    public async Task ChangeStatusAsync_DispatchToOpenAlert_StartsADeployment()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await RaiseAlertAsync(host);

        await host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Dispatched, alertId), Actors.Dispatcher);

        await using var db = host.NewDbContext();
        var deployment = await db.Deployments.SingleAsync();
        Assert.Equal((TeamCode, alertId, TeamStatus.Dispatched), (deployment.TeamCode, deployment.AlertId, deployment.Status));
        Assert.Equal((StoreHost.Start, (DateTimeOffset?)null), (deployment.DispatchedAt, deployment.EndedAt));
    }

    [Fact]
    public async Task ChangeStatusAsync_DispatchToOpenAlert_AssignsTheTeam()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await RaiseAlertAsync(host);

        await host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Dispatched, alertId), Actors.Dispatcher);

        var team = await StoredTeamAsync(host);
        Assert.Equal((TeamStatus.Dispatched, (Guid?)alertId), (team.Status, team.CurrentAlertId));
    }

    [Fact]
    public async Task ChangeStatusAsync_Dispatch_WritesAnAuditEntryNamingTheAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await RaiseAlertAsync(host);

        await host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Dispatched, alertId), Actors.Dispatcher);

        await using var db = host.NewDbContext();
        var audit = await db.AuditEntries.SingleAsync(e => e.Subject == AuditSubject.Team);
        Assert.Equal(
            (TeamCode, AuditAction.StatusChanged, nameof(TeamStatus.Available), nameof(TeamStatus.Dispatched)),
            (audit.SubjectId, audit.Action, audit.FromState, audit.ToState));
        Assert.Equal((Actors.Dispatcher.Name, Actors.Dispatcher.Seat), (audit.Actor, audit.Seat));
        Assert.Contains(alertId.ToString(), audit.Comment);
    }

    [Fact]
    public async Task ChangeStatusAsync_EnRoute_StampsTheDeployment()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await DispatchAsync(host);
        host.Time.Advance(TimeSpan.FromMinutes(3));

        await host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.EnRoute), Actors.Dispatcher);

        var deployment = await StoredDeploymentAsync(host);
        Assert.Equal((TeamStatus.EnRoute, (DateTimeOffset?)StoreHost.Start.AddMinutes(3)), (deployment.Status, deployment.EnRouteAt));
    }

    [Fact]
    public async Task ChangeStatusAsync_OnScene_StampsTheDeploymentAndMovesTheTeam()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await DispatchAsync(host);
        await host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.EnRoute), Actors.Dispatcher);
        host.Time.Advance(TimeSpan.FromMinutes(12));
        var scene = new GeoPoint(30.295, 120.105);

        await host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.OnScene, Position: scene), Actors.Dispatcher);

        var deployment = await StoredDeploymentAsync(host);
        Assert.Equal((TeamStatus.OnScene, (DateTimeOffset?)StoreHost.Start.AddMinutes(12)), (deployment.Status, deployment.OnSceneAt));
        var team = await StoredTeamAsync(host);
        Assert.Equal(((double?)scene.Latitude, (double?)scene.Longitude), (team.Latitude, team.Longitude));
    }

    [Fact]
    public async Task ChangeStatusAsync_Available_EndsTheDeploymentAndReleasesTheTeam()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await DispatchAsync(host);
        host.Time.Advance(TimeSpan.FromMinutes(40));

        await host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Available), Actors.Dispatcher);

        var deployment = await StoredDeploymentAsync(host);
        Assert.Equal(StoreHost.Start.AddMinutes(40), deployment.EndedAt);
        var team = await StoredTeamAsync(host);
        Assert.Equal((TeamStatus.Available, (Guid?)null), (team.Status, team.CurrentAlertId));
    }

    [Fact]
    public async Task ChangeStatusAsync_DispatchedAgainWhileReturning_EndsThePreviousDeployment()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var teams = host.Get<TeamService>();
        var firstAlert = await DispatchAsync(host);
        await teams.ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.OnScene), Actors.Dispatcher);
        await teams.ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Returning), Actors.Dispatcher);
        var secondAlert = await RaiseAlertAsync(host, categoryCode: "0201");
        host.Time.Advance(TimeSpan.FromMinutes(5));

        await teams.ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Dispatched, secondAlert), Actors.Dispatcher);

        await using var db = host.NewDbContext();
        var active = await db.Deployments.Where(d => d.TeamCode == TeamCode && d.EndedAt == null).ToListAsync();
        Assert.Equal(secondAlert, Assert.Single(active).AlertId);
        Assert.Equal(StoreHost.Start.AddMinutes(5), (await db.Deployments.SingleAsync(d => d.AlertId == firstAlert)).EndedAt);
    }

    [Fact]
    public async Task ChangeStatusAsync_DispatchedAgainWhileReturning_PublishesTheEndOfThePreviousDeployment()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var teams = host.Get<TeamService>();
        var firstAlert = await DispatchAsync(host);
        await teams.ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.OnScene), Actors.Dispatcher);
        await teams.ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Returning), Actors.Dispatcher);
        var secondAlert = await RaiseAlertAsync(host, categoryCode: "0201");

        await teams.ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Dispatched, secondAlert), Actors.Dispatcher);

        var ended = Assert.Single(feed.Published.OfType<DeploymentChanged>(), d => d.AlertId == firstAlert && d.EndedAt is not null);
        Assert.Equal((TeamStatus?)TeamStatus.Returning, ended.PreviousStatus);
    }

    [Fact]
    public async Task ChangeStatusAsync_IllegalMove_IsRefusedAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await Assert.ThrowsAsync<DomainRuleException>(() =>
            host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.OnScene), Actors.Dispatcher));

        var team = await StoredTeamAsync(host);
        Assert.Equal((TeamStatus.Available, StoreHost.Start), (team.Status, team.StatusSince));
        await using var db = host.NewDbContext();
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Subject == AuditSubject.Team));
    }

    [Fact]
    public async Task ChangeStatusAsync_IllegalMoveDuringDeployment_LeavesTheDeploymentAsItWas()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await DispatchAsync(host);

        await Assert.ThrowsAsync<DomainRuleException>(() =>
            host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Returning), Actors.Dispatcher));

        var deployment = await StoredDeploymentAsync(host);
        Assert.Equal((TeamStatus.Dispatched, (DateTimeOffset?)null), (deployment.Status, deployment.ReturningAt));
        Assert.Equal(TeamStatus.Dispatched, (await StoredTeamAsync(host)).Status);
    }

    [Fact]
    public async Task ChangeStatusAsync_DispatchToVoidedAlert_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await RaiseAlertAsync(host);
        await using (var db = host.NewDbContext())
        {
            (await db.Alerts.SingleAsync()).WalkTo(AlertState.Voided, host.Time.GetUtcNow());
            await db.SaveChangesAsync();
        }

        await Assert.ThrowsAsync<DomainRuleException>(() =>
            host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Dispatched, alertId), Actors.Dispatcher));

        Assert.Equal(TeamStatus.Available, (await StoredTeamAsync(host)).Status);
    }

    [Fact]
    public async Task ChangeStatusAsync_DispatchToUnknownAlert_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await Assert.ThrowsAsync<DomainRuleException>(() =>
            host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Dispatched, Guid.NewGuid()), Actors.Dispatcher));

        await using var db = host.NewDbContext();
        Assert.False(await db.Deployments.AnyAsync());
    }

    [Fact]
    public async Task ChangeStatusAsync_UnknownTeam_ReturnsNull()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var team = await host.Get<TeamService>().ChangeStatusAsync("TM-999", new TeamStatusReport(TeamStatus.OffDuty), Actors.Dispatcher);

        Assert.Null(team);
    }

    [Fact]
    public async Task ChangeStatusAsync_Dispatch_PublishesTheTeamsChangeInTheTeamsScope()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertId = await DispatchAsync(host);

        var change = await feed.NextAsync<TeamStatusChanged>();

        Assert.Equal((TeamCode, TeamStatus.Dispatched, (TeamStatus?)TeamStatus.Available, (Guid?)alertId),
            (change.TeamCode, change.Status, change.PreviousStatus, change.AlertId));
        Assert.Equal(new NodePath("330188", AlertGrid[..9], AlertGrid[..12], null), change.Scope);
    }

    [Fact]
    public async Task ChangeStatusAsync_Dispatch_PublishesTheDeploymentInTheAlertsScope()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var alertId = await DispatchAsync(host);

        var change = await feed.NextAsync<DeploymentChanged>();

        Assert.Equal((TeamCode, alertId, TeamStatus.Dispatched, (TeamStatus?)null), (change.TeamCode, change.AlertId, change.Status, change.PreviousStatus));
        Assert.Equal(new NodePath("330188", AlertGrid[..9], AlertGrid[..12], AlertGrid), change.Scope);
    }

    [Fact]
    public async Task ChangeStatusAsync_EnRoute_PublishesTheDeploymentWithItsPreviousStatus()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        await DispatchAsync(host);
        await feed.NextAsync<DeploymentChanged>();

        await host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.EnRoute), Actors.Dispatcher);

        var change = await feed.NextAsync<DeploymentChanged>();
        Assert.Equal((TeamStatus.EnRoute, (TeamStatus?)TeamStatus.Dispatched, AlertGrid), (change.Status, change.PreviousStatus, change.Scope.GridCode));
    }

    [Fact]
    public async Task ChangeStatusAsync_TwentyAtOnce_EachSucceedsOrIsRefusedByTheRules()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var outcomes = await ChangeStatusTwentyTimesAtOnceAsync(host.Get<TeamService>());

        Assert.Contains(outcomes, error => error is null);
        Assert.All(outcomes.Where(error => error is not null), error => Assert.IsType<DomainRuleException>(error));
    }

    [Fact]
    public async Task ChangeStatusAsync_TwentyAtOnce_AuditsEachSuccessfulChangeOnce()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var outcomes = await ChangeStatusTwentyTimesAtOnceAsync(host.Get<TeamService>());

        await using var db = host.NewDbContext();
        var audited = await db.AuditEntries.CountAsync(e => e.Subject == AuditSubject.Team && e.SubjectId == TeamCode && e.Action == AuditAction.StatusChanged);
        Assert.Equal(outcomes.Count(error => error is null), audited);
    }

    [Fact]
    public async Task ChangeStatusAsync_TwentyAtOnce_AuditsAnUnbrokenChainEndingInTheStoredStatus()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await ChangeStatusTwentyTimesAtOnceAsync(host.Get<TeamService>());

        await using var db = host.NewDbContext();
        var chain = await db.AuditEntries.Where(e => e.Subject == AuditSubject.Team && e.SubjectId == TeamCode)
            .OrderBy(e => e.Id).Select(e => new { e.FromState, e.ToState }).ToListAsync();
        var froms = chain.Select(link => link.FromState);
        var tos = chain.Select(link => link.ToState).Prepend(nameof(TeamStatus.Available)).SkipLast(1);
        Assert.Equal(tos, froms);
        Assert.Equal(chain[^1].ToState, (await StoredTeamAsync(host)).Status.ToString());
    }

    [Fact]
    public async Task ChangeStatusAsync_TwoServersAtOnce_EachSucceedsOrIsRefusedByTheRules()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var outcomes = await ChangeStatusTwentyTimesAtOnceOnTwoServersAsync(host);

        // A version conflict between the servers is refused as a rule too ("changed by someone else … retry").
        Assert.Contains(outcomes, error => error is null);
        Assert.All(outcomes.Where(error => error is not null), error => Assert.IsType<DomainRuleException>(error));
    }

    [Fact]
    public async Task ChangeStatusAsync_TwoServersAtOnce_AuditsEachSuccessfulChangeOnce()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var outcomes = await ChangeStatusTwentyTimesAtOnceOnTwoServersAsync(host);

        await using var db = host.NewDbContext();
        var audited = await db.AuditEntries.CountAsync(e => e.Subject == AuditSubject.Team && e.SubjectId == TeamCode && e.Action == AuditAction.StatusChanged);
        Assert.Equal(outcomes.Count(error => error is null), audited);
    }

    [Fact]
    public async Task ChangeStatusAsync_TwoServersAtOnce_AdvancesTheVersionOncePerSuccessfulChange()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var before = (await StoredTeamAsync(host)).Version;

        var outcomes = await ChangeStatusTwentyTimesAtOnceOnTwoServersAsync(host);

        // A lost update would leave the version behind the number of changes both servers were told succeeded.
        Assert.Equal(before + outcomes.Count(error => error is null), (await StoredTeamAsync(host)).Version);
    }

    /// <summary>
    /// Twenty status reports for the team at once, alternating off duty and available, so some are legal and some
    /// are refused depending on the order they apply in. Each call's outcome is its error, or null when it succeeded.
    /// </summary>
    private static Task<Exception?[]> ChangeStatusTwentyTimesAtOnceAsync(TeamService service) =>
        Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run<Exception?>(() => Record.ExceptionAsync(() =>
            service.ChangeStatusAsync(TeamCode, new TeamStatusReport(i % 2 == 0 ? TeamStatus.OffDuty : TeamStatus.Available), Actors.Dispatcher)))));

    /// <summary>
    /// The same twenty reports on each of two servers sharing the store: each has its own service (and lock), so only
    /// the team's version token keeps them apart.
    /// </summary>
    private static async Task<Exception?[]> ChangeStatusTwentyTimesAtOnceOnTwoServersAsync(StoreHost host)
    {
        var secondServer = new TeamService(
            host.Get<IDbContextFactory<CommandCenterDbContext>>(), host.Get<ReferenceData>(), host.Get<ILiveFeed>(), host.Time, NullLogger<TeamService>.Instance);
        var outcomes = await Task.WhenAll(ChangeStatusTwentyTimesAtOnceAsync(host.Get<TeamService>()), ChangeStatusTwentyTimesAtOnceAsync(secondServer));
        return [.. outcomes.SelectMany(errors => errors)];
    }

    private static async Task<Guid> RaiseAlertAsync(StoreHost host, string categoryCode = "0101") =>
        (await host.Get<AlertIngestionService>().IngestAsync(
            Reports.InGrid(AlertGrid, externalId: $"alert-{categoryCode}", categoryCode: categoryCode), Actors.Hotline)).Alert.Id;

    private static async Task<Guid> DispatchAsync(StoreHost host)
    {
        var alertId = await RaiseAlertAsync(host);
        await host.Get<TeamService>().ChangeStatusAsync(TeamCode, new TeamStatusReport(TeamStatus.Dispatched, alertId), Actors.Dispatcher);
        return alertId;
    }

    private static async Task<Team> StoredTeamAsync(StoreHost host)
    {
        await using var db = host.NewDbContext();
        return await db.Teams.SingleAsync(t => t.Code == TeamCode);
    }

    private static async Task<Deployment> StoredDeploymentAsync(StoreHost host)
    {
        await using var db = host.NewDbContext();
        return await db.Deployments.SingleAsync(d => d.TeamCode == TeamCode);
    }
}
