using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>
/// <see cref="DispatchService"/> on a real store. The alert sits in community 330188001002 of 湖滨街道; TM-025 is that
/// community's team, TM-006 the town's patrol, TM-011 a patrol of 望江街道 (another town).
/// </summary>
public sealed class DispatchServiceTests
{
    private const string CommunityTeam = "TM-025";
    private const string TownTeam = "TM-006";
    private const string OtherTownTeam = "TM-011";

    [Fact]
    public async Task DispatchAsync_AcknowledgedAlert_SendsEveryTeamAndTheAlertIsDispatched()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);

        var outcome = await Dispatch(host).DispatchAsync(alertId, [CommunityTeam, TownTeam], Staff.TownStaff, "带上梯子");

        Assert.Equal(AlertState.Dispatched, outcome!.Alert.State);
        Assert.All(outcome.Teams, t => Assert.True(t.Sent, t.Reason));
        await using var db = host.NewDbContext();
        var teams = await db.Teams.Where(t => t.Code == CommunityTeam || t.Code == TownTeam).ToListAsync();
        Assert.All(teams, t => Assert.Equal((TeamStatus.Dispatched, (Guid?)alertId), (t.Status, t.CurrentAlertId)));
        Assert.Equal(2, await db.Deployments.CountAsync(d => d.AlertId == alertId && d.EndedAt == null));
    }

    [Fact]
    public async Task DispatchAsync_AcknowledgedAlert_AuditsTheDispatchWithTheTeamsNames()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);

        await Dispatch(host).DispatchAsync(alertId, [CommunityTeam, TownTeam], Staff.TownStaff, "带上梯子");

        await using var db = host.NewDbContext();
        var subject = alertId.ToString();
        var entry = await db.AuditEntries.SingleAsync(e => e.Subject == AuditSubject.Alert && e.SubjectId == subject && e.Action == AuditAction.Dispatch);
        Assert.Equal("荷风社区文体队, 湖滨街道治安巡防中队; 带上梯子", entry.Comment);
        Assert.Equal("陈静", entry.Actor);
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Subject == AuditSubject.Team && e.ToState == "Dispatched" && e.Actor == "陈静"));
    }

    [Fact]
    public async Task DispatchAsync_AlertNotYetAcknowledged_IsRefusedAndNoTeamMoves()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();

        var ex = await Assert.ThrowsAsync<DomainRuleException>(() => Dispatch(host).DispatchAsync(alertId, [CommunityTeam], Staff.TownStaff, null));

        Assert.Contains("Reported", ex.Message, StringComparison.Ordinal);
        await AssertNoTeamMovedAsync(host);
    }

    [Fact]
    public async Task DispatchAsync_AlertOutsideMyJurisdiction_IsDeniedAndNoTeamMoves()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);

        await Assert.ThrowsAsync<WorkflowDeniedException>(() => Dispatch(host).DispatchAsync(alertId, [CommunityTeam], Staff.NeighbourTownStaff, null));

        await AssertNoTeamMovedAsync(host);
    }

    [Fact]
    public async Task DispatchAsync_ATeamOfAnotherTownAmongOthers_OnlyThatOneIsNotSentAndTheOutcomeSaysWhy()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);

        var outcome = await Dispatch(host).DispatchAsync(alertId, [OtherTownTeam, TownTeam, "TM-999"], Staff.CityDutyOfficer, null);

        var byCode = outcome!.Teams.ToDictionary(t => t.TeamCode);
        Assert.True(byCode[TownTeam].Sent);
        Assert.False(byCode[OtherTownTeam].Sent);
        Assert.Contains("does not serve 湖滨街道", byCode[OtherTownTeam].Reason, StringComparison.Ordinal);
        Assert.Equal("no such team", byCode["TM-999"].Reason);
        await using var db = host.NewDbContext();
        Assert.Equal(TeamStatus.Available, (await db.Teams.SingleAsync(t => t.Code == OtherTownTeam)).Status);
    }

    [Fact]
    public async Task DispatchAsync_NoTeamCanGo_ThrowsWithEachReasonAndTheAlertStaysAcknowledged()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var busyWith = await host.RaiseAsync(externalId: "earlier");
        await host.ApplyAsync(busyWith, AlertAction.Acknowledge, Staff.TownColleague);
        await Dispatch(host).DispatchAsync(busyWith, [TownTeam], Staff.TownColleague, null);
        var alertId = await AcknowledgedAlertAsync(host, Staff.DemoGrid(5));

        var ex = await Assert.ThrowsAsync<DomainRuleException>(() => Dispatch(host).DispatchAsync(alertId, [TownTeam, OtherTownTeam], Staff.TownStaff, null));

        Assert.Contains($"{TownTeam}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{OtherTownTeam}: ", ex.Message, StringComparison.Ordinal);
        await using var db = host.NewDbContext();
        Assert.Equal(AlertState.Acknowledged, (await db.Alerts.SingleAsync(a => a.Id == alertId)).State);
    }

    [Fact]
    public async Task DispatchAsync_AlertAlreadyBeingWorked_SendsReinforcementsAndKeepsItsState()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);
        await Dispatch(host).DispatchAsync(alertId, [CommunityTeam], Staff.TownStaff, null);
        await host.ApplyAsync(alertId, AlertAction.StartHandling, Staff.TownStaff);

        var outcome = await Dispatch(host).DispatchAsync(alertId, [TownTeam, CommunityTeam], Staff.TownStaff, "增援");

        Assert.Equal(AlertState.Handling, outcome!.Alert.State);
        Assert.Equal([(TownTeam, true), (CommunityTeam, false)], outcome.Teams.Select(t => (t.TeamCode, t.Sent)));
        Assert.Contains("already on this alert", outcome.Teams[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchAsync_AsAWall_IsDenied()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);

        await Assert.ThrowsAsync<WorkflowDeniedException>(() => Dispatch(host).DispatchAsync(alertId, [CommunityTeam], Staff.Wall, null));
    }

    [Fact]
    public async Task UpdateDeploymentAsync_TeamGoesEnRouteOnSceneReturningAvailable_StampsEachStepAndReleasesTheTeam()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);
        await Dispatch(host).DispatchAsync(alertId, [CommunityTeam], Staff.TownStaff, null);

        foreach (var (status, minutes) in new[] { (TeamStatus.EnRoute, 1), (TeamStatus.OnScene, 9), (TeamStatus.Returning, 40), (TeamStatus.Available, 55) })
        {
            host.Time.SetUtcNow(StoreHost.Start.AddMinutes(minutes));
            await Dispatch(host).UpdateDeploymentAsync(alertId, CommunityTeam, status, Staff.TownStaff, null);
        }

        await using var db = host.NewDbContext();
        var deployment = await db.Deployments.SingleAsync();
        Assert.Equal(
            (StoreHost.Start.AddMinutes(1), StoreHost.Start.AddMinutes(9), StoreHost.Start.AddMinutes(40), StoreHost.Start.AddMinutes(55)),
            (deployment.EnRouteAt, deployment.OnSceneAt, deployment.ReturningAt, deployment.EndedAt));
        var team = await db.Teams.SingleAsync(t => t.Code == CommunityTeam);
        Assert.Equal((TeamStatus.Available, (Guid?)null), (team.Status, team.CurrentAlertId));
    }

    [Fact]
    public async Task UpdateDeploymentAsync_TeamNotOnThisAlert_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);

        var ex = await Assert.ThrowsAsync<DomainRuleException>(() => Dispatch(host).UpdateDeploymentAsync(alertId, TownTeam, TeamStatus.OnScene, Staff.TownStaff, null));

        Assert.Contains("not deployed on alert", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateDeploymentAsync_AlertOutsideMyJurisdiction_IsDeniedAndTheTeamStays()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);
        await Dispatch(host).DispatchAsync(alertId, [CommunityTeam], Staff.TownStaff, null);

        await Assert.ThrowsAsync<WorkflowDeniedException>(() => Dispatch(host).UpdateDeploymentAsync(alertId, CommunityTeam, TeamStatus.Available, Staff.NeighbourTownStaff, null));

        await using var db = host.NewDbContext();
        Assert.Equal(TeamStatus.Dispatched, (await db.Teams.SingleAsync(t => t.Code == CommunityTeam)).Status);
    }

    [Fact]
    public async Task CandidatesAsync_AlertInMyTown_ListsTheCommunitysTeamFirstAndNoTeamOfAnotherTown()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);

        var (_, candidates) = (await Dispatch(host).CandidatesAsync(alertId, Staff.TownStaff))!.Value;

        Assert.Equal(CommunityTeam, candidates[0].Team.Code);
        Assert.All(candidates, c => Assert.True(c.Team.NodeCode == Staff.CityCode || c.Team.NodeCode.StartsWith(Staff.TownCode, StringComparison.Ordinal), c.Team.Code));
        Assert.Contains(candidates, c => c.Team.Code == TownTeam);
    }

    [Fact]
    public async Task CandidatesAsync_AlertOutsideMyJurisdiction_IsDenied()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await AcknowledgedAlertAsync(host);

        await Assert.ThrowsAsync<WorkflowDeniedException>(() => Dispatch(host).CandidatesAsync(alertId, Staff.NeighbourTownStaff));
    }

    private static DispatchService Dispatch(StoreHost host) => host.Get<DispatchService>();

    private static async Task<Guid> AcknowledgedAlertAsync(StoreHost host, string? gridCode = null)
    {
        var alertId = await host.RaiseAsync(gridCode);
        await host.ApplyAsync(alertId, AlertAction.Acknowledge, Staff.TownStaff);
        return alertId;
    }

    private static async Task AssertNoTeamMovedAsync(StoreHost host)
    {
        await using var db = host.NewDbContext();
        Assert.Equal(0, await db.Deployments.CountAsync());
        Assert.DoesNotContain(await db.Teams.Select(t => t.Status).ToListAsync(), s => s != TeamStatus.Available);
    }
}
