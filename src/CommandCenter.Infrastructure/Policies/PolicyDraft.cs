using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Policies;

namespace CommandCenter.Infrastructure.Policies;

/// <summary>The four stages an alert's clock runs through, each with its own limit.</summary>
public enum DeadlineStage
{
    Acknowledge,
    Dispatch,
    Handle,
    Verify,
}

/// <summary>One deadline rule in whole minutes, as an administrator edits it: a category (大类, or a 小类 overriding it) × a severity.</summary>
public sealed record DeadlineDraft(string Category, Severity Severity, int AcknowledgeMinutes, int DispatchMinutes, int HandleMinutes, int VerifyMinutes)
{
    public int Minutes(DeadlineStage stage) => stage switch
    {
        DeadlineStage.Acknowledge => AcknowledgeMinutes,
        DeadlineStage.Dispatch => DispatchMinutes,
        DeadlineStage.Handle => HandleMinutes,
        _ => VerifyMinutes,
    };

    public static DeadlineDraft From(DeadlineRule rule) => From(rule.CategoryCode, rule.Severity, rule.Deadlines);

    public static DeadlineDraft From(string category, Severity severity, StageDeadlines deadlines) => new(
        category, severity, Whole(deadlines.Acknowledge), Whole(deadlines.Dispatch), Whole(deadlines.Handle), Whole(deadlines.Verify));

    internal DeadlineRule ToRule() => new(Category, Severity, new StageDeadlines(
        TimeSpan.FromMinutes(AcknowledgeMinutes), TimeSpan.FromMinutes(DispatchMinutes), TimeSpan.FromMinutes(HandleMinutes), TimeSpan.FromMinutes(VerifyMinutes)));

    /// <summary>A span in whole minutes, as policies are written.</summary>
    public static int Whole(TimeSpan span) => (int)Math.Round(span.TotalMinutes);
}

/// <summary>
/// A new policy version as an administrator enters it, in minutes. <see cref="BaseVersion"/> is the version it was
/// edited from (and compared with): saving is refused if another version was saved meanwhile. A null
/// <see cref="EffectiveFrom"/> means "from the moment it is saved". The ladder is not edited here; a new version keeps
/// its base's. A null <see cref="Notifications"/> keeps the base's notifications section as it is.
/// </summary>
public sealed record PolicyDraft(
    int BaseVersion,
    string? Name,
    DateTimeOffset? EffectiveFrom,
    IReadOnlyList<DeadlineDraft> Deadlines,
    IReadOnlyDictionary<Severity, int> LateReportLimitMinutes,
    IReadOnlyDictionary<PetitionStage, int> FollowUpCadenceMinutes,
    NotificationPolicy? Notifications = null)
{
    /// <summary>A draft that changes nothing yet: the policy's values, to take effect when saved.</summary>
    public static PolicyDraft From(EscalationPolicy policy) => new(
        policy.Version,
        policy.Name,
        null,
        [.. policy.Rules.Select(DeadlineDraft.From).OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.Severity)],
        policy.LateReportLimits.ToDictionary(kv => kv.Key, kv => DeadlineDraft.Whole(kv.Value)),
        policy.FollowUpCadence.ToDictionary(kv => kv.Key, kv => DeadlineDraft.Whole(kv.Value)),
        policy.Notifications);

    /// <summary>The domain policy this draft describes; call only once <see cref="PolicyAdministration.Check"/> found no duplicate rule.</summary>
    internal EscalationPolicy ToPolicy(int version, DateTimeOffset effectiveFrom, IReadOnlyList<NodeLevel> ladder, NotificationPolicy baseNotifications) => new(
        version,
        Name?.Trim() ?? "",
        effectiveFrom,
        ladder,
        LateReportLimitMinutes.ToDictionary(kv => kv.Key, kv => TimeSpan.FromMinutes(kv.Value)),
        Deadlines.Select(d => d.ToRule()),
        FollowUpCadenceMinutes.ToDictionary(kv => kv.Key, kv => TimeSpan.FromMinutes(kv.Value)),
        Notifications ?? baseNotifications);
}
