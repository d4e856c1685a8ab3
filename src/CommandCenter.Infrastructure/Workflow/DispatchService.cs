using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Teams;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Workflow;

/// <summary>One team's part in a dispatch: sent, or why not.</summary>
public sealed record TeamDispatchOutcome(string TeamCode, bool Sent, string? Reason);

/// <summary>What a dispatch did: the alert as it is now and each team's outcome.</summary>
public sealed record DispatchOutcome(Alert Alert, IReadOnlyList<TeamDispatchOutcome> Teams);

/// <summary>
/// Sends teams to an alert and keeps their deployments moving, as staff do from the console. The alert's jurisdiction
/// is checked for the operator; a team must serve the alert's place (<see cref="DispatchCandidates.ReachOf"/>).
/// The first dispatch moves an acknowledged alert to Dispatched; later ones reinforce it.
/// </summary>
public sealed class DispatchService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    AlertWorkflowService workflow,
    TeamService teams)
{
    private static readonly AlertState[] Reinforceable = [AlertState.Dispatched, AlertState.Handling, AlertState.Rework];

    /// <summary>The teams that serve the alert, best first; null when the alert does not exist.</summary>
    /// <exception cref="WorkflowDeniedException">The alert is outside the operator's jurisdiction.</exception>
    public async Task<(Alert Alert, IReadOnlyList<DispatchCandidate> Candidates)?> CandidatesAsync(Guid alertId, Operator by, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, ct);
        if (alert is null)
        {
            return null;
        }

        workflow.EnsureJurisdiction(alert, by);
        var all = await db.Teams.AsNoTracking().Where(t => t.RetiredAt == null).ToListAsync(ct);
        return (alert, DispatchCandidates.Rank(alert, all, reference.Map));
    }

    /// <summary>Sends <paramref name="teamCodes"/> to the alert; null when the alert does not exist.</summary>
    /// <exception cref="WorkflowDeniedException">Outside the operator's jurisdiction, or the operator's role cannot dispatch.</exception>
    /// <exception cref="DomainRuleException">The alert cannot take teams, or not one of the teams could be sent.</exception>
    public async Task<DispatchOutcome?> DispatchAsync(Guid alertId, IReadOnlyCollection<string> teamCodes, Operator by, string? comment, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, ct);
        if (alert is null)
        {
            return null;
        }

        workflow.EnsureJurisdiction(alert, by);

        // The role comes from the rule table; an alert already being worked takes reinforcements, so its state is
        // checked as if it were the acknowledged alert the first dispatch starts from.
        AlertActions.Ensure(AlertAction.Dispatch, Reinforceable.Contains(alert.State) ? AlertState.Acknowledged : alert.State, by.Role);

        var codes = teamCodes.Distinct(StringComparer.Ordinal).ToList();
        var known = await db.Teams.AsNoTracking().Where(t => codes.Contains(t.Code)).ToDictionaryAsync(t => t.Code, StringComparer.Ordinal, ct);
        var actor = Actor.Of(by);
        var outcomes = new List<TeamDispatchOutcome>(codes.Count);
        foreach (var code in codes)
        {
            outcomes.Add(await SendAsync(code, known.GetValueOrDefault(code), alert, actor, comment, ct));
        }

        if (!outcomes.Any(o => o.Sent))
        {
            throw new DomainRuleException($"No team was sent to alert {alert.Id}: {string.Join("; ", outcomes.Select(o => $"{o.TeamCode}: {o.Reason}"))}");
        }

        if (alert.State == AlertState.Acknowledged)
        {
            var sent = string.Join(", ", outcomes.Where(o => o.Sent).Select(o => known[o.TeamCode].Name));
            try
            {
                return new DispatchOutcome(await workflow.ApplyAsync(alert.Id, AlertAction.Dispatch, by, comment is null ? sent : $"{sent}; {comment}", ct) ?? alert, outcomes);
            }
            catch (Exception ex) when (ex is AlertConflictException or DomainRuleException)
            {
                // Someone dispatched it at the same moment: the teams went all the same, as reinforcements.
                alert = await CurrentAsync(alert.Id, ct);
                if (!Reinforceable.Contains(alert.State))
                {
                    throw;
                }
            }
        }

        return new DispatchOutcome(await CurrentAsync(alert.Id, ct), outcomes);
    }

    private async Task<Alert> CurrentAsync(Guid alertId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Alerts.AsNoTracking().FirstAsync(a => a.Id == alertId, ct);
    }

    /// <summary>Moves a team deployed on the alert to its next status (en route, on scene, returning, released).</summary>
    /// <exception cref="WorkflowDeniedException">The alert is outside the operator's jurisdiction.</exception>
    /// <exception cref="DomainRuleException">The team is not on this alert, or the status change breaks the team rules.</exception>
    public async Task<Team?> UpdateDeploymentAsync(Guid alertId, string teamCode, TeamStatus next, Operator by, string? comment, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, ct);
        if (alert is null)
        {
            return null;
        }

        workflow.EnsureJurisdiction(alert, by);
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Code == teamCode, ct);
        if (team is null)
        {
            return null;
        }

        if (team.CurrentAlertId != alertId)
        {
            throw new DomainRuleException($"Team {team.Name} ({team.Code}) is not deployed on alert {alertId}.");
        }

        if (next == TeamStatus.Dispatched)
        {
            throw new DomainRuleException($"Team {team.Code} is already dispatched to this alert.");
        }

        return await teams.ChangeStatusAsync(teamCode, new TeamStatusReport(next, alertId, Comment: comment), Actor.Of(by), ct);
    }

    private async Task<TeamDispatchOutcome> SendAsync(string code, Team? team, Alert alert, Actor actor, string? comment, CancellationToken ct)
    {
        if (team is null)
        {
            return new(code, false, "no such team");
        }

        if (team.RetiredAt is not null)
        {
            return new(code, false, $"{team.Name} is retired");
        }

        if (DispatchCandidates.ReachOf(team, alert.GridCode, reference.Map) is null)
        {
            return new(code, false, $"{team.Name} does not serve {reference.Map.Find(alert.TownCode)?.Name ?? alert.TownCode}");
        }

        if (team.CurrentAlertId == alert.Id && TeamStatusRules.IsDeployed(team.Status))
        {
            return new(code, false, $"{team.Name} is already on this alert");
        }

        try
        {
            await teams.ChangeStatusAsync(code, new TeamStatusReport(TeamStatus.Dispatched, alert.Id, Comment: comment), actor, ct);
            return new(code, true, null);
        }
        catch (DomainRuleException ex)
        {
            return new(code, false, ex.Message);
        }
    }
}
