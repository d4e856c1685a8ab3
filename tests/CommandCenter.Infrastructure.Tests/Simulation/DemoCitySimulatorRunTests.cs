using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Simulation;

[Collection(SimulatedMorning.Collection)]
public sealed class DemoCitySimulatorRunTests(SimulatedMorning run)
{
    [Fact]
    public async Task StepAsync_ManySteps_ConcentratesAlertsInTheHotspots()
    {
        var hotspots = run.Hotspots.Select(h => h.Code).ToHashSet();

        await using var db = run.Host.NewDbContext();
        var grids = await db.Alerts.Select(a => a.GridCode).ToListAsync();

        // 8 of 300 grids would hold under 3 % of the alerts if reports fell evenly; the simulator sends them half.
        var share = grids.Count(hotspots.Contains) / (double)grids.Count;
        Assert.True(share > 0.30, $"The 8 hotspots hold {share:P0} of {grids.Count} alerts; expected more than 30 %.");
    }

    [Fact]
    public async Task StepAsync_ManySteps_MergesAStormFromSeveralSourcesIntoOneAlert()
    {
        await using var db = run.Host.NewDbContext();

        var stormAlerts = await db.Alerts.Where(a => a.RepeatCount >= 4).Select(a => a.Id).ToListAsync();
        var sourcesPerAlert = await db.AlertReports
            .Where(r => stormAlerts.Contains(r.AlertId))
            .GroupBy(r => r.AlertId)
            .Select(g => g.Select(r => r.Source).Distinct().Count())
            .ToListAsync();

        Assert.Contains(sourcesPerAlert, sources => sources > 1);
    }

    [Fact]
    public async Task StepAsync_ManySteps_MovesAPetitionWarningThroughItsStagesWithFollowUps()
    {
        await using var db = run.Host.NewDbContext();

        var stageMovesPerWarning = await db.PetitionFollowUps
            .Where(f => f.ToStage != f.FromStage)
            .GroupBy(f => f.PetitionWarningId)
            .Select(g => g.Count())
            .ToListAsync();

        Assert.Contains(stageMovesPerWarning, moves => moves >= 2);
    }

    [Fact]
    public async Task StepAsync_ManySteps_OpensANewPetitionWarningAfterEachDefusedOne()
    {
        await using var db = run.Host.NewDbContext();

        var openedAt = await db.PetitionWarnings.Select(w => w.ReportedAt).ToListAsync();
        var defusedAt = await db.PetitionFollowUps.Where(f => f.ToStage == PetitionStage.Defused).Select(f => f.At).ToListAsync();

        Assert.NotEmpty(defusedAt);
        Assert.All(defusedAt, defused => Assert.Contains(openedAt, opened => opened > defused));
    }

    [Fact]
    public async Task StepAsync_ManySteps_AuditsTeamStatusChanges()
    {
        await using var db = run.Host.NewDbContext();

        var teamChanges = await db.AuditEntries.Where(e => e.Subject == AuditSubject.Team).Select(e => e.Action).ToListAsync();

        Assert.NotEmpty(teamChanges);
        Assert.All(teamChanges, action => Assert.Equal(AuditAction.StatusChanged, action));
    }

    [Fact]
    public async Task StepAsync_ManySteps_TakesDispatchedTeamsEnRoute()
    {
        await using var db = run.Host.NewDbContext();

        var enRoute = await db.Deployments.Where(d => d.EnRouteAt != null).ToListAsync();

        Assert.NotEmpty(enRoute);
        Assert.All(enRoute, d => Assert.True(d.EnRouteAt >= d.DispatchedAt, $"Deployment {d.Id} went en route before it was dispatched."));
    }

    [Fact]
    public async Task StepAsync_ManySteps_AuditsReportsTeamMovesAndFollowUpsAsTheSimulator()
    {
        await using var db = run.Host.NewDbContext();
        AuditAction[] workflowActions = [.. Enum.GetValues<AlertAction>().Select(AuditActions.Of)];
        var dispatched = TeamStatus.Dispatched.ToString();

        // Work on alerts, and sending teams, is done as simulated staff and audited in their seats (below and
        // DemoCitySimulatorWorkflowTests); the rest is the simulator's own: reports, follow-ups, teams' own status reports.
        var actors = await db.AuditEntries.ExceptSetUp()
            .Where(e => !workflowActions.Contains(e.Action) && !(e.Subject == AuditSubject.Team && e.ToState == dispatched))
            .Select(e => new { e.Actor, e.Seat }).Distinct().ToListAsync();

        Assert.Equal(new { Actor = "simulator", Seat = (string?)"system" }, Assert.Single(actors));
    }

    [Fact]
    public async Task StepAsync_ManySteps_SendsTeamsAsTheTownsStaffer_OnlyToAlertsAcknowledgedFirst()
    {
        await using var db = run.Host.NewDbContext();
        var dispatched = TeamStatus.Dispatched.ToString();
        var sends = await db.AuditEntries.Where(e => e.Subject == AuditSubject.Team && e.ToState == dispatched).ToListAsync();
        var deployments = await db.Deployments.ToListAsync();
        var acknowledged = (await db.AuditEntries.Where(e => e.Subject == AuditSubject.Alert && e.Action == AuditAction.Acknowledge).ToListAsync())
            .GroupBy(e => e.SubjectId).ToDictionary(g => g.Key, g => g.Min(e => e.At));

        Assert.NotEmpty(sends);
        Assert.All(sends, send => Assert.StartsWith($"{Role.Staff}@", send.Seat, StringComparison.Ordinal));
        Assert.Equal(sends.Count, deployments.Count);
        Assert.All(deployments, d => Assert.True(
            acknowledged.TryGetValue(d.AlertId.ToString(), out var at) && at <= d.DispatchedAt,
            $"Team {d.TeamCode} went to alert {d.AlertId} before anyone acknowledged it."));
    }

    [Fact]
    public async Task StepAsync_ManySteps_MovesDispatchedAlertsWithATeamOnThem()
    {
        await using var db = run.Host.NewDbContext();
        var dispatchedAlerts = await db.AuditEntries.Where(e => e.Subject == AuditSubject.Alert && e.Action == AuditAction.Dispatch)
            .Select(e => e.SubjectId).Distinct().ToListAsync();
        var withTeams = (await db.Deployments.Select(d => d.AlertId).ToListAsync()).Select(id => id.ToString()).ToHashSet();

        Assert.NotEmpty(dispatchedAlerts);
        Assert.All(dispatchedAlerts, id => Assert.Contains(id, withTeams));
    }

    [Fact]
    public async Task StepAsync_ManySteps_StoresEveryReportBehindEveryAlert()
    {
        await using var db = run.Host.NewDbContext();

        // Through the ingestion service, each alert has its first report plus one per merged repeat.
        var alerts = await db.Alerts.Select(a => new { a.Id, Reports = a.RepeatCount + 1 }).ToListAsync();
        var reports = await db.AlertReports.GroupBy(r => r.AlertId).Select(g => new { Id = g.Key, Reports = g.Count() }).ToListAsync();

        Assert.NotEmpty(alerts);
        Assert.Equal(alerts.OrderBy(a => a.Id), reports.OrderBy(r => r.Id));
    }
}
