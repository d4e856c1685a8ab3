using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Teams;

/// <summary>A status report from a team: its new status, the alert when dispatched, and where it is.</summary>
public sealed record TeamStatusReport(TeamStatus Status, Guid? AlertId = null, GeoPoint? Position = null, string? Comment = null);

/// <summary>Moves teams through their statuses and keeps their deployments (team ↔ alert) stamped.</summary>
public sealed class TeamService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    ILogger<TeamService> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Applies a status report; returns null when the team does not exist.</summary>
    public async Task<Team?> ChangeStatusAsync(string teamCode, TeamStatusReport report, Actor actor, CancellationToken ct = default)
    {
        // Status reports of one team must apply one after another; the version token guards across servers.
        await _gate.WaitAsync(ct);
        try
        {
            return await ChangeStatusLockedAsync(teamCode, report, actor, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException($"Team {teamCode} was changed by someone else at the same moment; read it again and retry.");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Team?> ChangeStatusLockedAsync(string teamCode, TeamStatusReport report, Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Code == teamCode, ct);
        if (team is null)
        {
            return null;
        }

        var now = time.Now();
        Alert? alert = null;
        if (report.Status == TeamStatus.Dispatched)
        {
            alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == report.AlertId, ct)
                ?? throw new DomainRuleException($"Alert {report.AlertId} does not exist; team {teamCode} cannot be dispatched to it.");
            if (!alert.IsOpen)
            {
                throw new DomainRuleException($"Alert {alert.Id} is {alert.State}; a team cannot be dispatched to a final alert.");
            }
        }

        var previous = team.ChangeStatus(report.Status, report.AlertId, now);
        if (report.Position is { } position)
        {
            team.MoveTo(position, now);
        }

        Deployment? deployment;
        TeamStatus? deploymentPrevious = null;
        List<(Deployment Deployment, TeamStatus Previous)> released = [];
        if (report.Status == TeamStatus.Dispatched)
        {
            // Re-dispatched on the way back (Returning → Dispatched): the team is released from its previous alert.
            foreach (var open in await db.Deployments.Where(d => d.TeamCode == team.Code && d.EndedAt == null).ToListAsync(ct))
            {
                released.Add((open, open.Status));
                open.Record(TeamStatus.Available, now);
            }

            deployment = new Deployment(Guid.CreateVersion7(now), team.Code, alert!.Id, now);
            db.Deployments.Add(deployment);
        }
        else
        {
            deployment = await db.Deployments
                .Where(d => d.TeamCode == team.Code && d.EndedAt == null)
                .OrderByDescending(d => d.DispatchedAt)
                .FirstOrDefaultAsync(ct);
            deploymentPrevious = deployment?.Status;
            deployment?.Record(report.Status, now);
        }

        db.AuditEntries.Add(AuditEntry.ForTeam(
            team, previous, actor, now, deployment is null ? report.Comment : $"alert {deployment.AlertId}{(report.Comment is null ? "" : "; " + report.Comment)}"));
        await db.SaveChangesAsync(ct);

        var map = reference.Map;
        var assignment = team.CurrentAlertId is { } assignedId
            ? alert?.Title ?? await db.Alerts.AsNoTracking().Where(a => a.Id == assignedId).Select(a => a.Title).FirstOrDefaultAsync(ct)
            : null;
        // A team whose home a re-division retired is saved all the same; only walls of the current map hear of it.
        if (map.Contains(team.NodeCode))
        {
            feed.Publish(TeamStatusChanged.From(team, map.PathOf(team.NodeCode), previous, assignment, now));
        }

        foreach (var (ended, endedPrevious) in released)
        {
            var endedAlert = await db.Alerts.AsNoTracking().FirstAsync(a => a.Id == ended.AlertId, ct);
            feed.Publish(new DeploymentChanged(endedAlert.Path(map.City.Code), now, ended.Id, team.Code, ended.AlertId,
                ended.Status, endedPrevious, ended.DispatchedAt, ended.EndedAt));
        }

        if (deployment is not null)
        {
            alert ??= await db.Alerts.AsNoTracking().FirstAsync(a => a.Id == deployment.AlertId, ct);
            feed.Publish(new DeploymentChanged(alert.Path(map.City.Code), now, deployment.Id, team.Code, deployment.AlertId,
                deployment.Status, deploymentPrevious, deployment.DispatchedAt, deployment.EndedAt));
        }

        logger.LogInformation("Team {TeamCode} {PreviousStatus} → {Status}", team.Code, previous, team.Status);
        return team;
    }
}
