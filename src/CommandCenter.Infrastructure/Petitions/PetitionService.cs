using CommandCenter.Core;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Petitions;

public sealed record PetitionResult(bool Created, PetitionWarning Warning);

/// <summary>Opens group-petition warnings (idempotent on source + external id) and records their follow-ups.</summary>
public sealed class PetitionService(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    ILogger<PetitionService> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<PetitionResult> OpenAsync(NewPetitionWarning report, Actor actor, CancellationToken ct = default)
    {
        var origin = reference.Map.Find(report.OriginCode);
        if (origin is not { Level: NodeLevel.Community or NodeLevel.Grid })
        {
            throw new DomainRuleException($"Unknown origin '{report.OriginCode}': give the code of a community or a grid.");
        }

        await _gate.WaitAsync(ct);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var transaction = await db.BeginWriteTransactionAsync(ct);
            var existing = await db.PetitionWarnings.AsNoTracking().Include(w => w.FollowUps)
                .FirstOrDefaultAsync(w => w.Source == report.Source && w.ExternalId == report.ExternalId, ct);
            if (existing is not null)
            {
                return new PetitionResult(false, existing);
            }

            var now = time.Now();
            var warning = PetitionWarning.Open(report, reference.Map.PathOf(origin.Code), reference.PolicyAt(now).Version, Guid.CreateVersion7(now), now);
            db.PetitionWarnings.Add(warning);
            db.AuditEntries.Add(AuditEntry.ForPetition(warning, AuditAction.Raised, actor, now, null, $"{warning.Subject} → {warning.Destination}, ~{warning.EstimatedHeadcount}"));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);

            feed.Publish(PetitionWarningChanged.From(warning, reference.Map.City.Code, null, now));
            logger.LogInformation("Petition warning {WarningId} opened from {OriginCode}, stage {Stage}, ~{Headcount} people",
                warning.Id, warning.OriginCode, warning.Stage, warning.EstimatedHeadcount);
            return new PetitionResult(true, warning);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Adds a follow-up (续报); returns null when the warning does not exist.</summary>
    public async Task<PetitionWarning?> AddFollowUpAsync(Guid id, NewFollowUp followUp, Actor actor, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await AddFollowUpLockedAsync(id, followUp, actor, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another server changed it between our read and write.
            throw new DomainRuleException($"Petition warning {id} was changed by someone else at the same moment; read it again and retry.");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<PetitionWarning?> AddFollowUpLockedAsync(Guid id, NewFollowUp followUp, Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var warning = await db.PetitionWarnings.Include(w => w.FollowUps).FirstOrDefaultAsync(w => w.Id == id, ct);
        if (warning is null)
        {
            return null;
        }

        var now = time.Now();
        var entry = warning.AddFollowUp(followUp, now);
        db.AuditEntries.Add(AuditEntry.ForPetition(warning, AuditAction.FollowUp, actor, now, entry.FromStage, entry.Text));
        await db.SaveChangesAsync(ct);

        feed.Publish(PetitionWarningChanged.From(warning, reference.Map.City.Code, entry.FromStage, now));
        logger.LogInformation("Petition warning {WarningId} follow-up: {FromStage} → {ToStage}", warning.Id, entry.FromStage, entry.ToStage);
        return warning;
    }
}
