using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Simulation;

/// <summary>
/// What the simulated staff did to the alerts of one simulated morning: acknowledged by the staffer of the alert's
/// town, worked round the loop and verified by the city duty officer, all through the workflow service.
/// </summary>
[Collection(SimulatedMorning.Collection)]
public sealed class DemoCitySimulatorWorkflowTests(SimulatedMorning run)
{
    private static readonly AuditAction[] WorkflowActions = [.. Enum.GetValues<AlertAction>().Select(AuditActions.Of)];

    [Fact]
    public async Task StepAsync_ManySteps_LeavesSomeAlertsAcknowledged()
    {
        await using var db = run.Host.NewDbContext();

        var acknowledged = await db.Alerts.CountAsync(a => a.State == AlertState.Acknowledged);

        Assert.True(acknowledged > 0, "No alert is in state Acknowledged after the run.");
    }

    [Fact]
    public async Task StepAsync_ManySteps_HasEachAlertHeldByTheSimulatedStafferOfItsTown()
    {
        var map = run.Host.Get<ReferenceData>().Map;
        await using var db = run.Host.NewDbContext();

        var held = await db.Alerts.Where(a => a.HandlerName != null).Select(a => new { a.TownCode, a.HandlerName }).ToListAsync();

        Assert.NotEmpty(held);
        Assert.All(held, a => Assert.Equal($"{map.Find(a.TownCode)!.Name}处置员（模拟）", a.HandlerName));
    }

    [Fact]
    public async Task StepAsync_ManySteps_AcknowledgesMostAlertsOnTimeAndSomeLate()
    {
        await using var db = run.Host.NewDbContext();

        var acknowledgements = await WorkflowSteps(db).Where(e => e.Action == AuditAction.Acknowledge).ToListAsync();

        // Both kinds are needed for the wall's on-time acknowledgement rate to say something.
        var onTime = acknowledgements.Count(e => e.At <= e.Deadline);
        Assert.True(onTime > 0.8 * acknowledgements.Count, $"{onTime} of {acknowledgements.Count} acknowledgements were on time; expected most.");
        Assert.Contains(acknowledgements, e => e.At > e.Deadline);
    }

    [Fact]
    public async Task StepAsync_ManySteps_ClosesSomeAlerts()
    {
        await using var db = run.Host.NewDbContext();

        var closed = await db.Alerts.CountAsync(a => a.State == AlertState.Closed);

        Assert.True(closed > 0, "No alert was closed in the run.");
    }

    [Fact]
    public async Task StepAsync_ManySteps_VerifiesEveryResolvedAlertAsAnotherOperatorThanItsResolver()
    {
        await using var db = run.Host.NewDbContext();
        var steps = await WorkflowSteps(db).OrderBy(e => e.Id).ToListAsync();

        var verified = steps
            .Where(e => e.Action == AuditAction.Verify)
            .Select(verify => (Verify: verify, Resolve: steps.Last(e => e.SubjectId == verify.SubjectId && e.Id < verify.Id && e.Action == AuditAction.Resolve)))
            .ToList();

        Assert.NotEmpty(verified);
        Assert.All(verified, pair => Assert.NotEqual((pair.Resolve.Actor, pair.Resolve.Seat), (pair.Verify.Actor, pair.Verify.Seat)));
    }

    [Fact]
    public async Task StepAsync_ManySteps_ResolvesWithFeedback()
    {
        await using var db = run.Host.NewDbContext();

        var feedback = await WorkflowSteps(db).Where(e => e.Action == AuditAction.Resolve).Select(e => e.Comment).ToListAsync();

        Assert.NotEmpty(feedback);
        Assert.All(feedback, comment => Assert.False(string.IsNullOrWhiteSpace(comment)));
    }

    [Fact]
    public async Task StepAsync_ManySteps_SendsSomeResolvedAlertsBackAndReworksThem()
    {
        await using var db = run.Host.NewDbContext();
        var steps = await WorkflowSteps(db).OrderBy(e => e.Id).ToListAsync();

        var sentBack = steps.Where(e => e.Action == AuditAction.SendBack).ToList();

        Assert.NotEmpty(sentBack);
        Assert.Contains(sentBack, back => steps.Any(e => e.SubjectId == back.SubjectId && e.Id > back.Id && e.FromState == nameof(AlertState.Rework)));
    }

    [Fact]
    public async Task StepAsync_ManySteps_VoidsSomeReportsAsTheDutyOfficer()
    {
        await using var db = run.Host.NewDbContext();

        var voids = await WorkflowSteps(db).Where(e => e.Action == AuditAction.Void).ToListAsync();

        Assert.NotEmpty(voids);
        Assert.All(voids, e => Assert.Equal((nameof(AlertState.Reported), "DutyOfficer@330188"), (e.FromState, e.Seat)));
    }

    [Fact]
    public async Task StepAsync_ManySteps_WorksAlertsOnlyFromStaffOrDutyOfficerSeats()
    {
        await using var db = run.Host.NewDbContext();

        var seats = await WorkflowSteps(db).Select(e => e.Seat).Distinct().ToListAsync();

        Assert.NotEmpty(seats);
        Assert.All(seats, seat => Assert.True(
            seat!.StartsWith("Staff@", StringComparison.Ordinal) || seat.StartsWith("DutyOfficer@", StringComparison.Ordinal), $"Workflow step from seat {seat}."));
    }

    [Fact]
    public async Task StepAsync_ManySteps_LeavesEachAlertAtLeast20SecondsInAStage()
    {
        await using var db = run.Host.NewDbContext();
        var changes = await db.AuditEntries
            .Where(e => e.Subject == AuditSubject.Alert && (e.Action == AuditAction.Raised || WorkflowActions.Contains(e.Action)))
            .Select(e => new { e.SubjectId, e.Id, e.At })
            .ToListAsync();

        var gaps = changes.GroupBy(e => e.SubjectId)
            .SelectMany(alert => alert.OrderBy(e => e.Id).Zip(alert.OrderBy(e => e.Id).Skip(1), (before, after) => after.At - before.At))
            .ToList();

        Assert.NotEmpty(gaps);
        Assert.All(gaps, gap => Assert.True(gap >= TimeSpan.FromSeconds(20), $"An alert moved on {gap.TotalSeconds} s after its previous change."));
    }

    [Fact]
    public async Task StepAsync_ManySteps_LeavesFarFewerAlertsOpenThanItRaised()
    {
        await using var db = run.Host.NewDbContext();

        var raised = await db.Alerts.CountAsync();
        var open = await db.Alerts.WhereOpen().CountAsync();

        Assert.True(open < 0.7 * raised, $"{open} of {raised} alerts are still open; the simulated staff should have finished many more.");
    }

    private static IQueryable<AuditEntry> WorkflowSteps(CommandCenterDbContext db) =>
        db.AuditEntries.Where(e => e.Subject == AuditSubject.Alert && WorkflowActions.Contains(e.Action));
}
