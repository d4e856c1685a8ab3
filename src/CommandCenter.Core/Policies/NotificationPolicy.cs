using CommandCenter.Core.Alerts;

namespace CommandCenter.Core.Policies;

/// <summary>
/// Which events reach the people on duty, as one version of the escalation policy says. A version written before
/// notifications existed reads as <see cref="Default"/>; a new version carries its base's section over unless edited.
/// </summary>
/// <param name="AlertRaised">Tell the alert's node of a new alert at <paramref name="MinimumSeverity"/> or graver.</param>
/// <param name="Escalated">Tell the rung an overdue alert climbed to (and its leader on call, from the town rung up).</param>
/// <param name="PetitionWarning">Tell the town and the city when a petition warning enters Gathering or Moving.</param>
/// <param name="LateReportCharged">Tell the responsible person's node of a late report charged to it.</param>
/// <param name="SilentGrid">Tell the grid's community of a grid silent for <paramref name="SilentGridAfter"/> past turning silent.</param>
/// <param name="Reminders">Remind after <paramref name="RemindAfter"/>, then tell the next rung after <paramref name="NextRungAfter"/> more.</param>
public sealed record NotificationPolicy(
    bool AlertRaised,
    Severity MinimumSeverity,
    bool Escalated,
    bool PetitionWarning,
    bool LateReportCharged,
    bool SilentGrid,
    TimeSpan SilentGridAfter,
    bool Reminders,
    TimeSpan RemindAfter,
    TimeSpan NextRungAfter)
{
    /// <summary>
    /// Everything on; Serious and Critical alerts; a silence told as soon as it is recorded; a reminder after 10 minutes
    /// unacknowledged and the next rung 10 minutes later, shorter than the tightest acknowledge deadlines run out twice.
    /// </summary>
    public static readonly NotificationPolicy Default = new(
        AlertRaised: true,
        MinimumSeverity: Severity.Serious,
        Escalated: true,
        PetitionWarning: true,
        LateReportCharged: true,
        SilentGrid: true,
        SilentGridAfter: TimeSpan.Zero,
        Reminders: true,
        RemindAfter: TimeSpan.FromMinutes(10),
        NextRungAfter: TimeSpan.FromMinutes(10));

    /// <summary>The longest threshold or interval: a year, as a deadline's longest limit.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(365);

    /// <summary>What makes the section unusable, each in one sentence; empty when it is fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(MinimumSeverity))
        {
            problems.Add($"Unknown minimum severity {MinimumSeverity}.");
        }

        if (SilentGridAfter < TimeSpan.Zero || SilentGridAfter > Longest)
        {
            problems.Add("The silent-grid threshold must be between zero and a year.");
        }

        if (RemindAfter <= TimeSpan.Zero || NextRungAfter <= TimeSpan.Zero || RemindAfter > Longest || NextRungAfter > Longest)
        {
            problems.Add("Reminder intervals must be positive and at most a year.");
        }

        return problems;
    }
}
