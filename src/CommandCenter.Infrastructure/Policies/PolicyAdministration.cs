using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Policies;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Policies;

/// <summary>
/// The city's administrators change the escalation policy here, for the page and the API alike. A change is always a
/// new version (an alert keeps the version it started with for life); it takes effect from its effective-from, which
/// may lie ahead, and is loaded into <see cref="ReferenceData"/> at once, without a restart.
/// </summary>
public sealed class PolicyAdministration(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ReferenceLoader loader,
    TimeProvider time,
    ILogger<PolicyAdministration> logger)
{
    public const int NameMaxLength = 100;

    /// <summary>A year: longer limits are typing mistakes, and minutes must stay far from overflowing a timestamp.</summary>
    public const int MaxMinutes = 525_600;

    /// <summary>The policy is the whole city's: only an administrator seated at the city may change it.</summary>
    public bool CanEdit(Operator by) =>
        by.Role == Role.Admin && reference.IsLoaded
        && by.NodeCode == (reference.HasCity ? reference.Map.City.Code : CommandCenterUser.WholeCity);

    /// <summary>Every stored version, oldest first, marking the one new alerts take now.</summary>
    public async Task<IReadOnlyList<PolicyVersionInfo>> VersionsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var records = await db.Policies.AsNoTracking().OrderBy(p => p.Version).ToListAsync(ct);
        var inForce = reference.PolicyAt(time.Now()).Version;
        return [.. records.Select(r => new PolicyVersionInfo(r.Version, r.Name, r.EffectiveFrom, r.LoadedAt, r.Version == inForce))];
    }

    /// <summary>What the draft changes against the newest version.</summary>
    public PolicyDiff Diff(PolicyDraft draft) => PolicyDiff.Between(reference.CurrentPolicy, draft);

    /// <summary>
    /// Every problem with the draft, each named: a missing or long name; an effective-from in the past or before the
    /// newest version's; rules for unknown categories or twice for one cell; minutes that are not positive or are
    /// absurdly long; a category × severity no rule covers; deadlines that loosen as severity rises; late-report
    /// limits and follow-up cadences missing or not positive; and a draft that changes nothing.
    /// </summary>
    public IReadOnlyList<SetupProblem> Check(PolicyDraft draft)
    {
        var now = time.Now();
        var latest = reference.CurrentPolicy;
        var categories = reference.Categories;
        var problems = new List<SetupProblem>();

        var name = draft.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            problems.Add(new("name", "Problem_Policy_NameRequired"));
        }
        else if (name.Length > NameMaxLength)
        {
            problems.Add(new("name", "Problem_Policy_NameTooLong", name.Length, NameMaxLength));
        }

        // Never retroactive: alerts raised before now already hold the older version, so a start in the past would
        // claim a period this version never governed.
        if (draft.EffectiveFrom is { } from)
        {
            if (from < now)
            {
                problems.Add(new("effectiveFrom", "Problem_Policy_EffectiveInPast", from, now));
            }

            if (from < latest.EffectiveFrom)
            {
                problems.Add(new("effectiveFrom", "Problem_Policy_EffectiveBeforeCurrent", from, latest.Version, latest.EffectiveFrom));
            }
        }
        else if (now < latest.EffectiveFrom)
        {
            problems.Add(new("effectiveFrom", "Problem_Policy_EffectiveBeforeCurrent", now, latest.Version, latest.EffectiveFrom));
        }

        var rowsAreSound = CheckRows(draft.Deadlines, categories, problems);
        CheckLimits(
            draft.LateReportLimitMinutes, Enum.GetValues<Severity>(),
            "lateReportLimitMinutes", "Problem_Policy_LateLimitMissing", "Problem_Policy_LateLimitNotPositive", problems);

        // A defused warning is over: no follow-up is due, so that stage needs no cadence.
        CheckLimits(
            draft.FollowUpCadenceMinutes, [.. Enum.GetValues<PetitionStage>().Where(s => s != PetitionStage.Defused)],
            "followUpCadenceMinutes", "Problem_Policy_CadenceMissing", "Problem_Policy_CadenceNotPositive", problems);

        // The notifications section is carried over unless the draft edits it; an edited one must be usable.
        if (draft.Notifications is { } rules && CheckNotifications(rules, problems) > 0)
        {
            rowsAreSound = false;
        }

        if (rowsAreSound)
        {
            var policy = draft.ToPolicy(latest.Version + 1, draft.EffectiveFrom ?? now, latest.Ladder, latest.Notifications);
            var gaps = policy.MissingRules(categories);
            problems.AddRange(gaps.Select(gap => new SetupProblem("deadlines", "Problem_Policy_Gap", Label(gap.Category), gap.Severity)));

            // Orders are compared only between sound numbers: a zero already has its own problem.
            if (gaps.Count == 0 && !problems.Any(p => p.Key is "Problem_Policy_NotPositive" or "Problem_Policy_TooLong"))
            {
                problems.AddRange(Loosening(policy, categories));
            }
        }

        if (problems.Count == 0 && PolicyDiff.Between(latest, draft).IsEmpty)
        {
            problems.Add(new("deadlines", "Problem_Policy_NothingChanged", latest.Version));
        }

        return problems;
    }

    /// <summary>
    /// Saves the draft as the next version with an audit entry saying what changed, then loads the stored versions
    /// into <see cref="ReferenceData"/>. Refused (with every problem) when invalid, when <paramref name="by"/> is not
    /// a city administrator, or when another version was saved since the draft's base.
    /// </summary>
    public async Task<SetupResult<PolicySaved>> CreateAsync(PolicyDraft draft, Operator by, CancellationToken ct = default)
    {
        if (!CanEdit(by))
        {
            return SetupResult<PolicySaved>.Refused(SetupRefusal.Forbidden, new SetupProblem("version", "Problem_Policy_CityAdminOnly"));
        }

        var now = time.Now();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.BeginWriteTransactionAsync(ct);

        // Under the write lock: a version saved meanwhile (here or by another server) means the administrator
        // reviewed a diff against an older base; they must see the new one first.
        var stored = await db.Policies.MaxAsync(p => (int?)p.Version, ct) ?? 0;
        if (stored != reference.CurrentPolicy.Version)
        {
            await ReloadAsync(ct);
        }

        if (stored != draft.BaseVersion)
        {
            return SetupResult<PolicySaved>.Refused(SetupRefusal.Conflict, new SetupProblem("baseVersion", "Problem_Policy_StaleBase", draft.BaseVersion, stored));
        }

        var problems = Check(draft);
        if (problems.Count > 0)
        {
            return SetupResult<PolicySaved>.Refused(SetupRefusal.Invalid, problems);
        }

        var latest = reference.CurrentPolicy;
        var policy = draft.ToPolicy(stored + 1, draft.EffectiveFrom ?? now, latest.Ladder, latest.Notifications);
        var diff = PolicyDiff.Between(latest, draft);
        db.Policies.Add(new PolicyRecord
        {
            Version = policy.Version,
            Name = policy.Name,
            EffectiveFrom = policy.EffectiveFrom,
            Document = SeedReader.DocumentOf(policy),
            LoadedAt = now,
        });
        db.AuditEntries.Add(AuditEntry.ForAdmin(
            AuditSubject.Policy, policy.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditAction.PolicyVersionCreated, Actor.Of(by), now,
            $"v{policy.Version} \"{policy.Name}\" from v{latest.Version}, effective {CityTime.Text(policy.EffectiveFrom)}: {diff.Describe(reference.Categories)}"));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        await ReloadAsync(ct);
        logger.LogInformation("Escalation policy v{PolicyVersion} saved by {Actor}, effective {EffectiveFrom}", policy.Version, by.DisplayName, policy.EffectiveFrom);
        return SetupResult<PolicySaved>.Of(new PolicySaved(reference.Policy(policy.Version), diff));
    }

    /// <summary>Loads every stored version into <see cref="ReferenceData"/>, keeping its map and categories.</summary>
    public Task ReloadAsync(CancellationToken ct = default) => loader.ReloadPoliciesAsync(ct);

    private static bool CheckRows(IReadOnlyList<DeadlineDraft> rows, CategoryTree categories, List<SetupProblem> problems)
    {
        var sound = true;
        var seen = new HashSet<(string, Severity)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var field = $"deadlines[{i}]";
            if (categories.Find(row.Category) is not { } category)
            {
                problems.Add(new(field, "Problem_Policy_UnknownCategory", row.Category));
                sound = false;
                continue;
            }

            if (!Enum.IsDefined(row.Severity))
            {
                problems.Add(new(field, "Problem_Policy_UnknownSeverity", row.Severity.ToString()));
                sound = false;
                continue;
            }

            if (!seen.Add((row.Category, row.Severity)))
            {
                problems.Add(new(field, "Problem_Policy_DuplicateRule", Label(category), row.Severity));
                sound = false;
            }

            foreach (var stage in Enum.GetValues<DeadlineStage>())
            {
                var minutes = row.Minutes(stage);
                if (minutes <= 0)
                {
                    problems.Add(new(field, "Problem_Policy_NotPositive", Label(category), row.Severity, stage, minutes));
                }
                else if (minutes > MaxMinutes)
                {
                    problems.Add(new(field, "Problem_Policy_TooLong", Label(category), row.Severity, stage, minutes, MaxMinutes));
                }
            }
        }

        return sound;
    }

    /// <summary>Each required key has a limit, and every limit given is positive and at most <see cref="MaxMinutes"/>.</summary>
    /// <summary>Each unusable field of an edited notifications section, named as the draft names it. Returns how many.</summary>
    private static int CheckNotifications(NotificationPolicy rules, List<SetupProblem> problems)
    {
        var before = problems.Count;
        if (!Enum.IsDefined(rules.MinimumSeverity))
        {
            problems.Add(new("notifications.minimumSeverity", "Problem_Policy_NotificationSeverity", rules.MinimumSeverity));
        }

        void Minutes(TimeSpan span, string field, string key, int least)
        {
            if (span < TimeSpan.FromMinutes(least) || span > TimeSpan.FromMinutes(MaxMinutes))
            {
                problems.Add(new($"notifications.{field}", key, DeadlineDraft.Whole(span), least, MaxMinutes));
            }
        }

        Minutes(rules.SilentGridAfter, "silentGridAfterMinutes", "Problem_Policy_SilentGridAfter", 0);
        Minutes(rules.RemindAfter, "remindAfterMinutes", "Problem_Policy_RemindAfter", 1);
        Minutes(rules.NextRungAfter, "nextRungAfterMinutes", "Problem_Policy_NextRungAfter", 1);
        return problems.Count - before;
    }

    private static void CheckLimits<TKey>(
        IReadOnlyDictionary<TKey, int> limits, IReadOnlyList<TKey> required, string field, string missingKey, string badKey, List<SetupProblem> problems)
        where TKey : struct, Enum
    {
        problems.AddRange(required.Where(key => !limits.ContainsKey(key)).Select(key => new SetupProblem(field, missingKey, key)));
        problems.AddRange(limits
            .Where(kv => kv.Value <= 0 || kv.Value > MaxMinutes)
            .OrderBy(kv => kv.Key)
            .Select(kv => new SetupProblem(field, badKey, kv.Key, kv.Value, MaxMinutes)));
    }

    /// <summary>
    /// A graver severity must not get more time than a lesser one, stage by stage, for every category as its alerts
    /// would resolve it. Refused rather than warned: the ladder would escalate a general case before a critical
    /// one, which inverts what severity is for. A 小类 reports only where one of its own rules is involved, so an
    /// inherited problem is named once, at its 大类.
    /// </summary>
    private static IEnumerable<SetupProblem> Loosening(EscalationPolicy policy, CategoryTree categories)
    {
        var severities = Enum.GetValues<Severity>().Order().ToArray();
        foreach (var category in categories.All)
        {
            for (var i = 1; i < severities.Length; i++)
            {
                var (lesser, graver) = (severities[i - 1], severities[i]);
                if (category.ParentCode is not null && policy.OwnRule(category.Code, lesser) is null && policy.OwnRule(category.Code, graver) is null)
                {
                    continue;
                }

                var looser = DeadlineDraft.From(category.Code, lesser, policy.DeadlinesFor(category.Code, lesser, categories));
                var graverRule = DeadlineDraft.From(category.Code, graver, policy.DeadlinesFor(category.Code, graver, categories));
                foreach (var stage in Enum.GetValues<DeadlineStage>().Where(stage => graverRule.Minutes(stage) > looser.Minutes(stage)))
                {
                    yield return new SetupProblem(
                        "deadlines", "Problem_Policy_Loosens", Label(category), stage, graver, graverRule.Minutes(stage), lesser, looser.Minutes(stage));
                }
            }
        }
    }

    private static string Label(Category category) => $"{category.Code} {category.Name}";
}
