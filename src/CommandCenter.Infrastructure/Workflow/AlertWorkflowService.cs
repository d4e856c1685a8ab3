using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Workflow;

/// <summary>The outcome of one alert in a bulk action.</summary>
public sealed record BulkOutcome(Guid AlertId, bool Done, string? Reason);

/// <summary>
/// Staff's actions on alerts: jurisdiction first, then the domain's rules, then an optimistic write — of two people
/// acknowledging at the same moment exactly one wins and the other is told who holds it and since when. Every
/// step is audited with the deadline that applied and announced on the live feed.
/// </summary>
public sealed class AlertWorkflowService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    ILogger<AlertWorkflowService> logger)
{
    /// <summary>Applies <paramref name="action"/>; null when the alert does not exist.</summary>
    /// <exception cref="WorkflowDeniedException">Outside the operator's jurisdiction, or a role or person rule.</exception>
    /// <exception cref="AlertConflictException">Someone else changed it first.</exception>
    /// <exception cref="DomainRuleException">The alert's state does not allow the action.</exception>
    public async Task<Alert?> ApplyAsync(Guid alertId, AlertAction action, Operator by, string? comment, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == alertId, ct);
        if (alert is null)
        {
            return null;
        }

        EnsureJurisdiction(alert, by);
        if (action == AlertAction.Acknowledge && alert.IsOpen && alert.State != AlertState.Reported && alert.HandlerName is not null)
        {
            throw Held(alert);
        }

        var now = time.Now();
        var deadlines = reference.Policy(alert.PolicyVersion).DeadlinesFor(alert.CategoryCode, alert.Severity, reference.Categories);
        var transition = alert.Apply(action, by, comment, deadlines, now);
        db.AuditEntries.Add(AuditEntry.ForTransition(alert, transition, now));

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await contexts.CreateDbContextAsync(ct);
            var current = await fresh.Alerts.AsNoTracking().FirstAsync(a => a.Id == alertId, ct);
            throw action == AlertAction.Acknowledge && current.HandlerName is not null ? Held(current) : new AlertConflictException(
                $"Alert {alertId} was changed by someone else at the same moment (now {current.State}); look again and retry.", null, null);
        }

        feed.Publish(AlertChanged.From(alert, reference.Map.City.Code, AlertChange.StateChanged, transition.From, now));
        logger.LogInformation("Alert {AlertId} {Action} by {User} ({Role}): {From} → {To}", alert.Id, action, by.DisplayName, by.Role, transition.From, transition.To);
        return alert;
    }

    /// <summary>Acknowledges many alerts (a storm): each succeeds or fails on its own, with the reason.</summary>
    public async Task<IReadOnlyList<BulkOutcome>> AcknowledgeManyAsync(IReadOnlyCollection<Guid> alertIds, Operator by, string? comment, CancellationToken ct = default)
    {
        var outcomes = new List<BulkOutcome>(alertIds.Count);
        foreach (var id in alertIds.Distinct())
        {
            try
            {
                var alert = await ApplyAsync(id, AlertAction.Acknowledge, by, comment, ct);
                outcomes.Add(new BulkOutcome(id, alert is not null, alert is null ? "not found" : null));
            }
            catch (Exception ex) when (ex is DomainRuleException or WorkflowDeniedException or AlertConflictException)
            {
                outcomes.Add(new BulkOutcome(id, false, ex.Message));
            }
        }

        return outcomes;
    }

    /// <summary>Walls never act; everyone else only inside their node's subtree.</summary>
    /// <exception cref="WorkflowDeniedException">Either rule is broken.</exception>
    internal void EnsureJurisdiction(Alert alert, Operator by)
    {
        if (!by.CanAct)
        {
            throw new WorkflowDeniedException("A wall display cannot act on alerts.");
        }

        if (!reference.Map.IsWithin(alert.GridCode, by.NodeCode))
        {
            var node = reference.Map.Find(by.NodeCode)?.Name ?? by.NodeCode;
            throw new WorkflowDeniedException($"Alert {alert.Id} is outside your jurisdiction ({node}).");
        }
    }

    private static AlertConflictException Held(Alert alert) => new(
        $"Already acknowledged by {alert.HandlerName} at {alert.AcknowledgedAt:yyyy-MM-dd HH:mm:ss} UTC.", alert.HandlerName, alert.AcknowledgedAt);
}
