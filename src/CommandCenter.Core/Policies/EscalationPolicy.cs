using CommandCenter.Core.Alerts;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;

namespace CommandCenter.Core.Policies;

/// <summary>Time limits for each stage of an alert, for one category × severity.</summary>
public sealed record StageDeadlines(TimeSpan Acknowledge, TimeSpan Dispatch, TimeSpan Handle, TimeSpan Verify);

/// <summary>A deadline rule as seeded: a category (大类, or a 小类 overriding it) and a severity.</summary>
public sealed record DeadlineRule(string CategoryCode, Severity Severity, StageDeadlines Deadlines);

/// <summary>
/// One version of the city's escalation policy. An alert keeps the version it started with, so a policy
/// is never edited in place: a change is a new version.
/// </summary>
public sealed class EscalationPolicy
{
    private readonly Dictionary<(string Category, Severity Severity), StageDeadlines> _deadlines;

    public EscalationPolicy(
        int version,
        string name,
        DateTimeOffset effectiveFrom,
        IReadOnlyList<NodeLevel> ladder,
        IReadOnlyDictionary<Severity, TimeSpan> lateReportLimits,
        IEnumerable<DeadlineRule> deadlines,
        IReadOnlyDictionary<PetitionStage, TimeSpan> followUpCadence,
        NotificationPolicy? notifications = null)
    {
        if (version < 1)
        {
            throw new DomainRuleException($"Policy version must be 1 or more; got {version}.");
        }

        Version = version;
        Name = name;
        EffectiveFrom = effectiveFrom;
        Ladder = ladder;
        LateReportLimits = lateReportLimits;
        FollowUpCadence = followUpCadence;
        Notifications = notifications ?? NotificationPolicy.Default;
        if (Notifications.Problems() is [var problem, ..])
        {
            throw new DomainRuleException($"Policy v{version}: {problem}");
        }

        _deadlines = [];
        foreach (var rule in deadlines)
        {
            if (!_deadlines.TryAdd((rule.CategoryCode, rule.Severity), rule.Deadlines))
            {
                throw new DomainRuleException($"Policy v{version} has two deadline rules for category {rule.CategoryCode} × {rule.Severity}.");
            }
        }
    }

    public int Version { get; }

    public string Name { get; }

    public DateTimeOffset EffectiveFrom { get; }

    /// <summary>The administrative ladder an overdue alert climbs, bottom up.</summary>
    public IReadOnlyList<NodeLevel> Ladder { get; }

    /// <summary>迟报: reported-at − occurred-at beyond this limit for the severity is a late report.</summary>
    public IReadOnlyDictionary<Severity, TimeSpan> LateReportLimits { get; }

    public IReadOnlyDictionary<PetitionStage, TimeSpan> FollowUpCadence { get; }

    /// <summary>Which events reach the people on duty, and when reminders follow.</summary>
    public NotificationPolicy Notifications { get; }

    public IEnumerable<DeadlineRule> Rules => _deadlines.Select(kv => new DeadlineRule(kv.Key.Category, kv.Key.Severity, kv.Value));

    /// <summary>The deadlines for a category and severity: the category's own rule, else its nearest ancestor's.</summary>
    public StageDeadlines DeadlinesFor(string categoryCode, Severity severity, CategoryTree categories)
    {
        foreach (var code in categories.LineageOf(categoryCode))
        {
            if (_deadlines.TryGetValue((code, severity), out var deadlines))
            {
                return deadlines;
            }
        }

        throw new DomainRuleException($"Policy v{Version} has no deadlines for category {categoryCode} × {severity}.");
    }

    /// <summary>Every category × severity must resolve to deadlines; returns what is missing.</summary>
    public IReadOnlyList<string> FindGaps(CategoryTree categories) =>
        [.. MissingRules(categories).Select(gap => $"category {gap.Category.Code} ({gap.Category.Name}) × {gap.Severity}")];

    /// <summary>The category × severity pairs no rule covers, neither the category's own nor an ancestor's.</summary>
    public IReadOnlyList<(Category Category, Severity Severity)> MissingRules(CategoryTree categories) =>
    [
        .. from category in categories.All
           from severity in Enum.GetValues<Severity>()
           where !categories.LineageOf(category.Code).Any(code => _deadlines.ContainsKey((code, severity)))
           select (category, severity),
    ];

    /// <summary>The category's own rule for the severity, without falling back to an ancestor's.</summary>
    public StageDeadlines? OwnRule(string categoryCode, Severity severity) =>
        _deadlines.TryGetValue((categoryCode, severity), out var deadlines) ? deadlines : null;

    public bool IsLateReport(Severity severity, DateTimeOffset occurredAt, DateTimeOffset reportedAt) =>
        LateReportLimits.TryGetValue(severity, out var limit) && reportedAt - occurredAt > limit;
}
