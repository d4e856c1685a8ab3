using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Notifications;

/// <summary>What an acknowledgement link is, when it is opened.</summary>
public enum AckLinkStatus
{
    /// <summary>Not a link these keys issued, or altered on the way.</summary>
    Invalid,

    Expired,

    /// <summary>Already used to acknowledge.</summary>
    Used,

    /// <summary>The alert is no longer in the store.</summary>
    AlertGone,

    /// <summary>Good: the alert can be shown and, if it still waits, acknowledged.</summary>
    Ready,
}

/// <summary>An opened link: its status and, when it names one, the token and the alert as it is now.</summary>
public sealed record AckLinkView(AckLinkStatus Status, AcknowledgementToken? Token = null, Alert? Alert = null);

/// <summary>Why an acknowledgement by link did not happen, for the page to say in words.</summary>
public enum AckRefusal
{
    /// <summary>The link is not usable (<see cref="AckLinkView.Status"/> says why).</summary>
    Link,

    /// <summary>The recipient's account is disabled.</summary>
    AccountDisabled,

    /// <summary>The alert is outside the recipient's jurisdiction, or their role may not acknowledge it.</summary>
    Denied,

    /// <summary>The alert is no longer waiting for acknowledgement (someone acknowledged it, or it moved on).</summary>
    NotWaiting,

    /// <summary>The alert changed while this acknowledgement was on its way; it may still be waiting, so try again.</summary>
    Changed,

    /// <summary>The alert no longer exists.</summary>
    Gone,
}

public sealed record AckOutcome(AckLinkView View, AckRefusal? Refusal)
{
    public bool Acknowledged => Refusal is null;
}

/// <summary>
/// Acknowledging an alert from the link in a notification, through the same workflow and rules as the console. The
/// recipient acts as their account when they have one (its role and jurisdiction), else as staff of the node whose
/// duty they hold. A link acknowledges once: it is claimed before the workflow runs and released if the workflow refuses.
/// </summary>
public sealed class AcknowledgementByLink(
    IDbContextFactory<CommandCenterDbContext> contexts,
    AcknowledgementLinks links,
    AlertWorkflowService workflow,
    ReferenceData reference,
    TimeProvider time)
{
    /// <summary>The comment on the audit entry, so the trail shows the acknowledgement came from a message.</summary>
    public const string Comment = "经通知链接确认";

    public async Task<AckLinkView> OpenAsync(string sealedToken, CancellationToken ct = default)
    {
        if (links.Open(sealedToken) is not { } id)
        {
            return new AckLinkView(AckLinkStatus.Invalid);
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var token = await db.AcknowledgementTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (token is null)
        {
            return new AckLinkView(AckLinkStatus.Invalid);
        }

        var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == token.AlertId, ct);
        // Expiry first: a link used long ago is simply expired, and neither shows the alert as it is now to whoever
        // later reads a forwarded message.
        var status = token.ExpiresAt <= time.GetUtcNow() ? AckLinkStatus.Expired
            : token.UsedAt is not null ? AckLinkStatus.Used
            : alert is null ? AckLinkStatus.AlertGone
            : AckLinkStatus.Ready;
        return new AckLinkView(status, token, status is AckLinkStatus.Ready or AckLinkStatus.Used ? alert : null);
    }

    public async Task<AckOutcome> AcknowledgeAsync(string sealedToken, CancellationToken ct = default)
    {
        var view = await OpenAsync(sealedToken, ct);
        if (view is not { Status: AckLinkStatus.Ready, Token: { } token })
        {
            return new AckOutcome(view, AckRefusal.Link);
        }

        if (await OperatorForAsync(token, ct) is not { } by)
        {
            return new AckOutcome(view, AckRefusal.AccountDisabled);
        }

        if (!await ClaimAsync(token.Id, ct))
        {
            return new AckOutcome(await OpenAsync(sealedToken, ct), AckRefusal.Link);
        }

        AckRefusal? refusal = null;
        try
        {
            if (await workflow.ApplyAsync(token.AlertId, AlertAction.Acknowledge, by, Comment, ct) is null)
            {
                refusal = AckRefusal.Gone;
            }
        }
        catch (WorkflowDeniedException)
        {
            refusal = AckRefusal.Denied;
        }
        catch (AlertConflictException conflict)
        {
            // Someone holds it (acknowledged first): it no longer waits. Any other clash may leave it waiting.
            refusal = conflict.Holder is null ? AckRefusal.Changed : AckRefusal.NotWaiting;
        }
        catch (DomainRuleException)
        {
            refusal = AckRefusal.NotWaiting;
        }
        catch
        {
            // Nothing was acknowledged (the store failed, the request was cancelled): the link must stay usable.
            await ReleaseAsync(token.Id, CancellationToken.None);
            throw;
        }

        if (refusal is not null)
        {
            await ReleaseAsync(token.Id, CancellationToken.None);
        }

        return new AckOutcome(await OpenAsync(sealedToken, ct), refusal);
    }

    /// <summary>Marks the token used unless it already is or has expired; false when another request got there first.</summary>
    private async Task<bool> ClaimAsync(Guid id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.AcknowledgementTokens
            .Where(t => t.Id == id && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now), ct) == 1;
    }

    private async Task ReleaseAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.AcknowledgementTokens.Where(t => t.Id == id)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, (DateTimeOffset?)null), ct);
    }

    /// <summary>The recipient's account and its seat, or staff of the token's node; null for a disabled account.</summary>
    private async Task<Operator?> OperatorForAsync(AcknowledgementToken token, CancellationToken ct)
    {
        if (token.RecipientUserName is not { } userName)
        {
            return new Operator($"duty:{token.RecipientKey}", token.RecipientName, Role.Staff, token.NodeCode);
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var normalized = userName.ToUpperInvariant();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedUserName == normalized, ct);
        if (user is null)
        {
            return new Operator($"duty:{token.RecipientKey}", token.RecipientName, Role.Staff, token.NodeCode);
        }

        if (user.DisabledAt is not null)
        {
            return null;
        }

        var roleName = await db.UserRoles.Where(r => r.UserId == user.Id)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name)
            .FirstOrDefaultAsync(ct);
        var role = Enum.TryParse<Role>(roleName, out var parsed) ? parsed : Role.Staff;
        var node = user.NodeCode == CommandCenterUser.WholeCity && reference.HasCity ? reference.Map.City.Code : user.NodeCode;

        // A roster names an account by typing it: one whose jurisdiction does not hold the duty node (a typo, or
        // someone else's name) is not used, and the person acts as staff of the node they hold duty for.
        return node is not null && reference.HasCity && reference.Map.IsWithin(token.NodeCode, node)
            ? new Operator(user.Id, user.DisplayName, role, node)
            : new Operator($"duty:{token.RecipientKey}", token.RecipientName, Role.Staff, token.NodeCode);
    }
}
