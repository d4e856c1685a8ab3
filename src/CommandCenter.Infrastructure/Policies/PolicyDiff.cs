using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Policies;

namespace CommandCenter.Infrastructure.Policies;

/// <summary>One cell of the deadline table that changed: a category × severity × stage, old → new minutes.</summary>
public sealed record DeadlineCellChange(string Category, Severity Severity, DeadlineStage Stage, int OldMinutes, int NewMinutes);

/// <summary>A per-severity or per-stage limit that changed; null on a side means it was absent there.</summary>
public sealed record LimitChange<TKey>(TKey Key, int? OldMinutes, int? NewMinutes)
    where TKey : struct, Enum;

/// <summary>
/// What a draft changes against the version it was edited from: each changed cell, the rules (mostly 小类 overrides)
/// added and removed, the late-report limits, the follow-up cadence, the name and when it takes effect. Shown to the
/// administrator before saving and written, in words, into the audit entry.
/// </summary>
public sealed record PolicyDiff(
    int BaseVersion,
    string OldName,
    string NewName,
    DateTimeOffset OldEffectiveFrom,
    DateTimeOffset? NewEffectiveFrom,
    IReadOnlyList<DeadlineCellChange> Cells,
    IReadOnlyList<DeadlineDraft> Added,
    IReadOnlyList<DeadlineDraft> Removed,
    IReadOnlyList<LimitChange<Severity>> LateReportLimits,
    IReadOnlyList<LimitChange<PetitionStage>> FollowUpCadence,
    NotificationPolicy? OldNotifications = null,
    NotificationPolicy? NewNotifications = null)
{
    public bool NameChanged => OldName != NewName;

    /// <summary>The draft edits the notifications section (a draft that leaves it out keeps the base's).</summary>
    public bool NotificationsChanged => NewNotifications is not null && NewNotifications != OldNotifications;

    /// <summary>True when the draft would make a version that differs from its base only in when it starts.</summary>
    public bool IsEmpty => !NameChanged && Cells.Count == 0 && Added.Count == 0 && Removed.Count == 0 && LateReportLimits.Count == 0 && FollowUpCadence.Count == 0
        && !NotificationsChanged;

    public static PolicyDiff Between(EscalationPolicy current, PolicyDraft draft)
    {
        var before = current.Rules.ToDictionary(r => (r.CategoryCode, r.Severity), DeadlineDraft.From);

        // A duplicate row in the draft is a validation problem; the diff shows the first, as saving would be refused anyway.
        var after = new Dictionary<(string, Severity), DeadlineDraft>();
        foreach (var row in draft.Deadlines)
        {
            after.TryAdd((row.Category, row.Severity), row);
        }

        var cells = new List<DeadlineCellChange>();
        foreach (var (key, old) in before.OrderBy(kv => kv.Key.CategoryCode, StringComparer.Ordinal).ThenBy(kv => kv.Key.Severity))
        {
            if (after.TryGetValue(key, out var now))
            {
                cells.AddRange(Enum.GetValues<DeadlineStage>()
                    .Where(stage => old.Minutes(stage) != now.Minutes(stage))
                    .Select(stage => new DeadlineCellChange(key.CategoryCode, key.Severity, stage, old.Minutes(stage), now.Minutes(stage))));
            }
        }

        return new PolicyDiff(
            current.Version,
            current.Name,
            draft.Name?.Trim() ?? "",
            current.EffectiveFrom,
            draft.EffectiveFrom,
            cells,
            [.. after.Where(kv => !before.ContainsKey(kv.Key)).Select(kv => kv.Value).OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.Severity)],
            [.. before.Where(kv => !after.ContainsKey(kv.Key)).Select(kv => kv.Value).OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.Severity)],
            Limits(current.LateReportLimits, draft.LateReportLimitMinutes),
            Limits(current.FollowUpCadence, draft.FollowUpCadenceMinutes),
            current.Notifications,
            draft.Notifications);
    }

    /// <summary>The diff in plain words for the audit trail, e.g. "01 治安安全 × General acknowledge 30 → 20 min".</summary>
    public string Describe(CategoryTree categories)
    {
        string Label(string code) => categories.Find(code) is { } c ? $"{c.Code} {c.Name}" : code;
        string Row(DeadlineDraft d) => string.Create(CultureInfo.InvariantCulture,
            $"{Label(d.Category)} × {d.Severity} ({d.AcknowledgeMinutes}/{d.DispatchMinutes}/{d.HandleMinutes}/{d.VerifyMinutes} min)");
        static string Minutes(int? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "none";

        var parts = new List<string>();
        if (NameChanged)
        {
            parts.Add($"name {OldName} → {NewName}");
        }

        parts.AddRange(Cells.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"{Label(c.Category)} × {c.Severity} {c.Stage.ToString().ToLowerInvariant()} {c.OldMinutes} → {c.NewMinutes} min")));
        parts.AddRange(Added.Select(d => $"added {Row(d)}"));
        parts.AddRange(Removed.Select(d => $"removed {Row(d)}"));
        parts.AddRange(LateReportLimits.Select(l => $"late-report limit {l.Key} {Minutes(l.OldMinutes)} → {Minutes(l.NewMinutes)} min"));
        parts.AddRange(FollowUpCadence.Select(l => $"follow-up cadence {l.Key} {Minutes(l.OldMinutes)} → {Minutes(l.NewMinutes)} min"));
        if (NotificationsChanged)
        {
            parts.Add($"notifications {OldNotifications} → {NewNotifications}");
        }

        return parts.Count == 0 ? "no change" : string.Join("; ", parts);
    }

    private static List<LimitChange<TKey>> Limits<TKey>(IReadOnlyDictionary<TKey, TimeSpan> before, IReadOnlyDictionary<TKey, int> after)
        where TKey : struct, Enum =>
        [
            .. Enum.GetValues<TKey>()
                .Select(key => new LimitChange<TKey>(
                    key,
                    before.TryGetValue(key, out var old) ? DeadlineDraft.Whole(old) : null,
                    after.TryGetValue(key, out var now) ? now : null))
                .Where(change => change.OldMinutes != change.NewMinutes),
        ];
}

/// <summary>One stored version as the administration lists it.</summary>
public sealed record PolicyVersionInfo(int Version, string Name, DateTimeOffset EffectiveFrom, DateTimeOffset LoadedAt, bool InForce)
{
    /// <summary>Saved with an effective-from still ahead: new alerts do not take it yet.</summary>
    public bool IsScheduled(DateTimeOffset now) => EffectiveFrom > now;
}

/// <summary>A new version, saved and loaded, with what it changed.</summary>
public sealed record PolicySaved(EscalationPolicy Policy, PolicyDiff Diff);

internal static class CityTime
{
    public static string Text(DateTimeOffset at) => CityClock.Local(at).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
}
