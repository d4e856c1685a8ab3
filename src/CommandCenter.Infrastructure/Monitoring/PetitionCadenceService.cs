using CommandCenter.Core;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Petitions;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Monitoring;

/// <summary>
/// Turns a petition warning red when its last follow-up (续报) is older than its stage's cadence in the warning's
/// policy version, exactly once per missed cadence: the warning remembers it was flagged until the next follow-up
/// clears it, and flagging happens under the store's write lock, so a second run, a run after downtime or two runs at
/// once (two servers) flag nothing twice.
/// </summary>
public sealed class PetitionCadenceService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    ILogger<PetitionCadenceService> logger)
{
    /// <summary>The audit trail's actor for these flags.</summary>
    public const string ActorName = "petition-cadence-job";

    /// <summary>Flags every active warning whose follow-up is overdue and not flagged yet; returns how many.</summary>
    public async Task<int> FlagOverdueAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        var now = time.Now();

        // Active, unflagged warnings are few (a city has tens of petitions under way, not thousands): the cadence of
        // each one's own policy version is applied here rather than in SQL.
        var unflagged = await db.PetitionWarnings
            .Where(w => w.Stage != PetitionStage.Defused && w.FollowUpOverdueSince == null)
            .ToListAsync(ct);
        var changes = new List<PetitionWarningChanged>();
        foreach (var warning in unflagged)
        {
            var cadence = reference.Policy(warning.PolicyVersion).FollowUpCadence;
            if (!warning.FlagFollowUpOverdue(cadence, now))
            {
                continue;
            }

            await db.Entry(warning).Collection(w => w.FollowUps).LoadAsync(ct); // the message carries the latest one
            db.AuditEntries.Add(AuditEntry.ForPetition(
                warning,
                AuditAction.FollowUpOverdue,
                Actor.System(ActorName),
                now,
                warning.Stage,
                $"No follow-up since {warning.LastFollowUpAt:yyyy-MM-dd HH:mm} UTC; {warning.Stage} wants one every {cadence[warning.Stage].TotalMinutes:0} min",
                warning.FollowUpOverdueSince));
            changes.Add(PetitionWarningChanged.From(warning, reference.Map.City.Code, warning.Stage, now));
        }

        if (changes.Count == 0)
        {
            return 0;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        foreach (var change in changes)
        {
            feed.Publish(change);
            logger.LogInformation("Petition warning {WarningId} follow-up overdue in {Stage}; last follow-up {LastFollowUpAt}", change.WarningId, change.Stage, change.LastFollowUpAt);
        }

        return changes.Count;
    }
}
