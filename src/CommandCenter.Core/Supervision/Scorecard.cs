using CommandCenter.Core.Alerts;

namespace CommandCenter.Core.Supervision;

/// <summary>
/// What supervision needs to know about one alert raised in the period, read from the alert and its audit trail.
/// </summary>
/// <param name="UnitCode">The town or community the alert is scored against.</param>
/// <param name="Reports">The first report plus every repeat merged into it.</param>
/// <param name="AcknowledgeDeadline">The acknowledge deadline that applied (from the audit trail, or the open stage's).</param>
/// <param name="AcknowledgedAt">The first acknowledgement, if any.</param>
/// <param name="ClosureDeadline">Reported-at plus every stage limit of the alert's policy: when it should be closed.</param>
/// <param name="ClosedAt">When verification closed it, if it did.</param>
/// <param name="Resolved">The handler reported it fixed at least once (it was handled).</param>
/// <param name="SentBack">Verification failed at least once (返工).</param>
public sealed record ScoredAlert(
    string UnitCode,
    int Reports,
    bool Voided,
    DateTimeOffset? AcknowledgeDeadline,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset ClosureDeadline,
    DateTimeOffset? ClosedAt,
    bool Resolved,
    bool SentBack,
    bool LateReport,
    bool MissedReport);

/// <summary>One unit's counts and rates for a period; a rate is null when nothing was due for it.</summary>
public sealed record Scorecard(
    string UnitCode,
    int Filed,
    int Voided,
    int AcknowledgeDue,
    int AcknowledgedOnTime,
    int ClosureDue,
    int Closed,
    int ClosedOnTime,
    int Handled,
    int Reworked,
    int LateReports,
    int MissedReports,
    int Reports)
{
    /// <summary>及时签收率 = acknowledged by the deadline / alerts whose acknowledge deadline has come (or that were acknowledged).</summary>
    public double? OnTimeAcknowledgeRate => Rate(AcknowledgedOnTime, AcknowledgeDue);

    /// <summary>结案率 = closed / due.</summary>
    public double? ClosureRate => Rate(Closed, ClosureDue);

    /// <summary>按期结案率 = closed on time / due.</summary>
    public double? OnTimeClosureRate => Rate(ClosedOnTime, ClosureDue);

    /// <summary>返工率 = sent back at least once / handled.</summary>
    public double? ReworkRate => Rate(Reworked, Handled);

    /// <summary>立案准确率 = (filed − voided) / filed.</summary>
    public double? AccurateFilingRate => Rate(Filed - Voided, Filed);

    /// <summary>漏报率 = missed / filed.</summary>
    public double? MissedReportRate => Rate(MissedReports, Filed);

    /// <summary>有效信息占比 = reports that became real cases (alerts not voided) / all reports received (repeats included).</summary>
    public double? ValidInformationShare => Rate(Filed - Voided, Reports);

    /// <summary>
    /// The ranking score, 0–100: 30 % on-time acknowledgement, 40 % on-time closure, 20 % free of rework, 10 % valid
    /// information, minus 2 points per late or missed report. A rate with nothing due yet leaves the score and the
    /// other weights are scaled up to fill its place. Problems solved count, entries made do not. Null when nothing
    /// was due to be acknowledged or closed: an idle unit is neither praised nor blamed.
    /// </summary>
    public double? Score
    {
        get
        {
            if (OnTimeAcknowledgeRate is null && OnTimeClosureRate is null)
            {
                return null;
            }

            (double? Rate, double Weight)[] parts =
                [(OnTimeAcknowledgeRate, 0.3), (OnTimeClosureRate, 0.4), (1 - ReworkRate, 0.2), (ValidInformationShare, 0.1)];
            var weighted = parts.Where(p => p.Rate is not null).ToList();
            var merit = weighted.Sum(p => p.Rate!.Value * p.Weight) / weighted.Sum(p => p.Weight);
            return Math.Max(0, 100 * merit - 2 * (LateReports + MissedReports));
        }
    }

    private static double? Rate(int part, int whole) => whole == 0 ? null : (double)part / whole;
}

/// <summary>
/// The supervision arithmetic (督查考核; the domain notes in wwwroot-assets/docs/ explain the rates): alerts in, one
/// scorecard per unit out, plus the red and black lists.
/// </summary>
public static class Scorecards
{
    /// <summary>How many units the red list (best) and the black list (worst) name.</summary>
    public const int ListLength = 5;

    /// <summary>
    /// Scores every unit in <paramref name="units"/> (those without alerts get an empty card) as things stood at
    /// <paramref name="asOf"/>: a deadline still in the future is not yet due.
    /// </summary>
    public static IReadOnlyList<Scorecard> Compute(IEnumerable<ScoredAlert> alerts, IEnumerable<string> units, DateTimeOffset asOf)
    {
        var byUnit = alerts.ToLookup(a => a.UnitCode, StringComparer.Ordinal);
        return [.. units.Select(unit => Card(unit, byUnit[unit], asOf))];
    }

    /// <summary>红榜: the best five by score (ties by code), only units with a score.</summary>
    public static IReadOnlyList<Scorecard> RedList(IEnumerable<Scorecard> cards) =>
        [.. cards.Where(c => c.Score is not null).OrderByDescending(c => c.Score).ThenBy(c => c.UnitCode, StringComparer.Ordinal).Take(ListLength)];

    /// <summary>黑榜: the worst five by score (ties by code), only units with a score.</summary>
    public static IReadOnlyList<Scorecard> BlackList(IEnumerable<Scorecard> cards) =>
        [.. cards.Where(c => c.Score is not null).OrderBy(c => c.Score).ThenBy(c => c.UnitCode, StringComparer.Ordinal).Take(ListLength)];

    private static Scorecard Card(string unit, IEnumerable<ScoredAlert> alerts, DateTimeOffset asOf)
    {
        int filed = 0, voided = 0, ackDue = 0, ackOnTime = 0, closureDue = 0, closed = 0, closedOnTime = 0, handled = 0, reworked = 0, late = 0, missed = 0, reports = 0;
        foreach (var a in alerts)
        {
            filed++;
            reports += a.Reports;
            late += a.LateReport ? 1 : 0;
            missed += a.MissedReport ? 1 : 0;
            if (a.Voided)
            {
                voided++;
                continue; // unfounded: nothing was due
            }

            var acknowledged = a.AcknowledgedAt is { } ackAt && ackAt <= asOf;
            if (acknowledged || a.AcknowledgeDeadline is { } ackBy && ackBy <= asOf)
            {
                ackDue++;
                ackOnTime += acknowledged && (a.AcknowledgeDeadline is not { } deadline || AlertRules.AcknowledgedInTime(a.AcknowledgedAt!.Value, deadline)) ? 1 : 0;
            }

            var isClosed = a.ClosedAt is { } closedAt && closedAt <= asOf;
            if (isClosed || a.ClosureDeadline <= asOf)
            {
                closureDue++;
                closed += isClosed ? 1 : 0;
                closedOnTime += isClosed && a.ClosedAt <= a.ClosureDeadline ? 1 : 0;
            }

            handled += a.Resolved ? 1 : 0;
            reworked += a.SentBack ? 1 : 0;
        }

        return new Scorecard(unit, filed, voided, ackDue, ackOnTime, closureDue, closed, closedOnTime, handled, reworked, late, missed, reports);
    }
}
