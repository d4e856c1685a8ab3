using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Policies;
using CommandCenter.Infrastructure.Policies;

namespace CommandCenter.Web.Components.Admin;

/// <summary>One row of the deadline table: a category × severity and its four limits in minutes (empty while being typed).</summary>
public sealed class RuleForm
{
    public required string Category { get; init; }

    public required Severity Severity { get; init; }

    public int? Acknowledge { get; set; }

    public int? Dispatch { get; set; }

    public int? Handle { get; set; }

    public int? Verify { get; set; }

    public static RuleForm From(string category, Severity severity, StageDeadlines deadlines)
    {
        var minutes = DeadlineDraft.From(category, severity, deadlines);
        return new RuleForm
        {
            Category = category,
            Severity = severity,
            Acknowledge = minutes.AcknowledgeMinutes,
            Dispatch = minutes.DispatchMinutes,
            Handle = minutes.HandleMinutes,
            Verify = minutes.VerifyMinutes,
        };
    }

    /// <summary>An empty cell counts as 0, which the service refuses as not positive, naming the cell.</summary>
    public DeadlineDraft ToDraft() => new(Category, Severity, Acknowledge ?? 0, Dispatch ?? 0, Handle ?? 0, Verify ?? 0);
}

/// <summary>
/// The policy editor as the page binds it: every top-level category × severity as a row (the table that must be
/// complete), the 小类 overrides apart, the late-report limits and follow-up cadences, and when it takes effect in
/// the city's local time.
/// </summary>
public sealed class PolicyForm
{
    public required int BaseVersion { get; init; }

    public string? Name { get; set; }

    /// <summary>From the moment it is saved (the default), else from <see cref="EffectiveLocal"/>.</summary>
    public bool Immediately { get; set; } = true;

    public DateTime? EffectiveLocal { get; set; }

    /// <summary>
    /// <see cref="EffectiveLocal"/> as a datetime-local input holds it. Browsers leave the seconds out when they are
    /// zero, which Blazor's own binding (it expects them) would drop as unreadable.
    /// </summary>
    public string? EffectiveText
    {
        get => EffectiveLocal?.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        set => EffectiveLocal = DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) ? local : null;
    }

    public required List<RuleForm> TopLevel { get; init; }

    public required List<RuleForm> Overrides { get; init; }

    public required Dictionary<Severity, int?> LateReportLimits { get; init; }

    public required Dictionary<PetitionStage, int?> FollowUpCadence { get; init; }

    /// <summary>The notifications section as the page edits it; saved as it stands (unchanged, the diff does not list it).</summary>
    public required NotificationForm Notifications { get; init; }

    /// <summary>The stages whose follow-up cadence is edited: a defused warning needs none.</summary>
    public static IReadOnlyList<PetitionStage> CadenceStages { get; } = [.. Enum.GetValues<PetitionStage>().Where(s => s != PetitionStage.Defused)];

    public static PolicyForm From(EscalationPolicy policy, CategoryTree categories)
    {
        var severities = Enum.GetValues<Severity>();
        return new PolicyForm
        {
            BaseVersion = policy.Version,
            Name = policy.Name,
            TopLevel =
            [
                .. from root in categories.Roots
                   from severity in severities
                   select policy.OwnRule(root.Code, severity) is { } rule
                       ? RuleForm.From(root.Code, severity, rule)
                       : new RuleForm { Category = root.Code, Severity = severity },
            ],
            Overrides =
            [
                .. policy.Rules
                    .Where(r => categories.Find(r.CategoryCode)?.ParentCode is not null)
                    .OrderBy(r => r.CategoryCode, StringComparer.Ordinal).ThenBy(r => r.Severity)
                    .Select(r => RuleForm.From(r.CategoryCode, r.Severity, r.Deadlines)),
            ],
            LateReportLimits = severities.ToDictionary(s => s, s => policy.LateReportLimits.TryGetValue(s, out var limit) ? (int?)DeadlineDraft.Whole(limit) : null),
            FollowUpCadence = CadenceStages.ToDictionary(s => s, s => policy.FollowUpCadence.TryGetValue(s, out var cadence) ? (int?)DeadlineDraft.Whole(cadence) : null),
            Notifications = NotificationForm.From(policy.Notifications),
        };
    }

    /// <summary>The effective-from the draft carries: null for "when saved", else the typed local time in the city's offset.</summary>
    public DateTimeOffset? EffectiveFrom =>
        Immediately || EffectiveLocal is not { } local ? null : new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), CityClock.Offset);

    /// <summary>"Not as soon as saved" chosen but no time typed: the draft would silently mean "now", so the page asks.</summary>
    public bool EffectiveMissing => !Immediately && EffectiveLocal is null;

    public PolicyDraft ToDraft() => new(
        BaseVersion,
        Name,
        EffectiveFrom,
        [.. TopLevel.Concat(Overrides).Select(r => r.ToDraft())],
        LateReportLimits.ToDictionary(kv => kv.Key, kv => kv.Value ?? 0),
        FollowUpCadence.ToDictionary(kv => kv.Key, kv => kv.Value ?? 0),
        Notifications.ToPolicy());
}

/// <summary>The policy's notifications section in whole minutes, as the page binds it (empty while being typed).</summary>
public sealed class NotificationForm
{
    public bool AlertRaised { get; set; }

    public Severity MinimumSeverity { get; set; }

    public bool Escalated { get; set; }

    public bool PetitionWarning { get; set; }

    public bool LateReportCharged { get; set; }

    public bool SilentGrid { get; set; }

    public int? SilentGridAfter { get; set; }

    public bool Reminders { get; set; }

    public int? RemindAfter { get; set; }

    public int? NextRungAfter { get; set; }

    public static NotificationForm From(NotificationPolicy policy) => new()
    {
        AlertRaised = policy.AlertRaised,
        MinimumSeverity = policy.MinimumSeverity,
        Escalated = policy.Escalated,
        PetitionWarning = policy.PetitionWarning,
        LateReportCharged = policy.LateReportCharged,
        SilentGrid = policy.SilentGrid,
        SilentGridAfter = DeadlineDraft.Whole(policy.SilentGridAfter),
        Reminders = policy.Reminders,
        RemindAfter = DeadlineDraft.Whole(policy.RemindAfter),
        NextRungAfter = DeadlineDraft.Whole(policy.NextRungAfter),
    };

    /// <summary>An empty interval counts as 0, which the service refuses for reminders, naming the section.</summary>
    public NotificationPolicy ToPolicy() => new(
        AlertRaised, MinimumSeverity, Escalated, PetitionWarning, LateReportCharged, SilentGrid,
        TimeSpan.FromMinutes(SilentGridAfter ?? 0), Reminders, TimeSpan.FromMinutes(RemindAfter ?? 0), TimeSpan.FromMinutes(NextRungAfter ?? 0));
}
