using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Supervision;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Supervision;

/// <summary>Scorecards of one level of units for a period, with the red and black lists.</summary>
public sealed record SupervisionReport(
    AdminNode Scope,
    NodeLevel UnitLevel,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset AsOf,
    IReadOnlyList<Scorecard> Cards,
    Scorecard Total,
    IReadOnlyList<Scorecard> RedList,
    IReadOnlyList<Scorecard> BlackList);

/// <summary>
/// 督查考核: scores the towns or communities under a node over a period, from the operational store and its audit
/// trail. An alert counts in the period it was raised in; its deadlines count once they have come (by the period's
/// end, or now if that is sooner).
/// </summary>
public sealed class SupervisionService(IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, TimeProvider time)
{
    private static readonly AuditAction[] ScoredActions =
        [AuditAction.Acknowledge, AuditAction.Resolve, AuditAction.SendBack, AuditAction.Verify];

    /// <summary>
    /// Scores the children of <paramref name="scopeCode"/> (towns of the city, communities of a town) — or, with
    /// <paramref name="unitLevel"/> = Community under the city, every community of the city.
    /// </summary>
    /// <exception cref="DomainRuleException">An unknown node, a unit level not below it, or an empty period.</exception>
    public async Task<SupervisionReport> ReportAsync(string scopeCode, NodeLevel unitLevel, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var map = reference.Map;
        var scope = map.Find(scopeCode) ?? throw new DomainRuleException($"Unknown node '{scopeCode}'.");
        if (unitLevel is not (NodeLevel.Town or NodeLevel.Community) || unitLevel <= scope.Level)
        {
            throw new DomainRuleException($"Supervision scores towns or communities below {scope.Name}; {unitLevel} is not one of them.");
        }

        if (to <= from)
        {
            throw new DomainRuleException($"The period must end after it starts ({from:O} → {to:O}).");
        }

        var units = map.Nodes.Where(n => n.Level == unitLevel && map.IsWithin(n.Code, scope.Code)).OrderBy(n => n.Code, StringComparer.Ordinal).ToList();
        var now = time.GetUtcNow();
        var asOf = to < now ? to : now;

        await using var db = await contexts.CreateDbContextAsync(ct);
        var alerts = await db.Alerts.AsNoTracking().InSubtree(scope)
            .Where(a => a.ReportedAt >= from && a.ReportedAt < to)
            .Select(a => new ScoredColumns(
                a.Id, a.TownCode, a.CommunityCode, a.CategoryCode, a.Severity, a.PolicyVersion, a.State, a.StageDeadline,
                a.ReportedAt, a.UpdatedAt, a.RepeatCount, a.IsLateReport, a.Source, a.WorkerReportedAt))
            .ToListAsync(ct);
        var steps = await StepsAsync(db, alerts, from, ct);

        var scored = alerts.Select(a => Score(a, unitLevel, steps[a.Id.ToString()])).ToList();
        var cards = Scorecards.Compute(scored, units.Select(u => u.Code), asOf);
        var total = Scorecards.Compute(scored.Select(a => a with { UnitCode = scope.Code }), [scope.Code], asOf)[0];
        return new SupervisionReport(scope, unitLevel, from, to, asOf, cards, total, Scorecards.RedList(cards), Scorecards.BlackList(cards));
    }

    /// <summary>The workflow steps supervision reads, per alert id, in order; every step of an alert happens after it was raised.</summary>
    private static async Task<ILookup<string, ScoredStep>> StepsAsync(CommandCenterDbContext db, List<ScoredColumns> alerts, DateTimeOffset from, CancellationToken ct)
    {
        var ids = alerts.Select(a => a.Id.ToString()).ToHashSet(StringComparer.Ordinal);
        var steps = await ScoredSteps(db.AuditEntries.AsNoTracking(), from)
            .Select(e => new ScoredStep(e.Id, e.SubjectId, e.Action, e.At, e.Deadline))
            .ToListAsync(ct);
        return steps.Where(e => ids.Contains(e.SubjectId)).OrderBy(e => e.At).ThenBy(e => e.Id).ToLookup(e => e.SubjectId, StringComparer.Ordinal);
    }

    /// <summary>The scored workflow steps of alerts since <paramref name="from"/>: a range of the alerts' trail by time (<c>IX_AuditEntries_Subject_At</c>).</summary>
    internal static IQueryable<AuditEntry> ScoredSteps(IQueryable<AuditEntry> entries, DateTimeOffset from) =>
        entries.Where(e => e.Subject == AuditSubject.Alert && e.At >= from && ScoredActions.Contains(e.Action));

    private ScoredAlert Score(ScoredColumns alert, NodeLevel unitLevel, IEnumerable<ScoredStep> steps)
    {
        var trail = steps.ToList();
        var acknowledged = trail.FirstOrDefault(e => e.Action == AuditAction.Acknowledge);
        var verified = trail.LastOrDefault(e => e.Action == AuditAction.Verify);
        var limits = reference.Policy(alert.PolicyVersion).DeadlinesFor(alert.CategoryCode, alert.Severity, reference.Categories);
        return new ScoredAlert(
            UnitCode: unitLevel == NodeLevel.Town ? alert.TownCode : alert.CommunityCode,
            Reports: 1 + alert.RepeatCount,
            Voided: alert.State == AlertState.Voided,
            AcknowledgeDeadline: acknowledged is not null || alert.State == AlertState.Reported
                ? acknowledged?.Deadline ?? AlertRules.AcknowledgeBy(alert.State, alert.StageDeadline, alert.ReportedAt, limits)
                : null,
            AcknowledgedAt: acknowledged?.At,
            ClosureDeadline: alert.ReportedAt + limits.Acknowledge + limits.Dispatch + limits.Handle + limits.Verify,
            ClosedAt: alert.State == AlertState.Closed ? verified?.At ?? alert.UpdatedAt : null,
            Resolved: trail.Any(e => e.Action == AuditAction.Resolve),
            SentBack: trail.Any(e => e.Action == AuditAction.SendBack),
            LateReport: alert.IsLateReport,
            MissedReport: AlertRules.IsMissedReport(alert.Source, alert.WorkerReportedAt));
    }

    /// <summary>The columns of an alert that scoring reads: a month of a large city is tens of thousands of rows.</summary>
    private sealed record ScoredColumns(
        Guid Id, string TownCode, string CommunityCode, string CategoryCode, Severity Severity, int PolicyVersion,
        AlertState State, DateTimeOffset? StageDeadline, DateTimeOffset ReportedAt, DateTimeOffset UpdatedAt,
        int RepeatCount, bool IsLateReport, AlertSource Source, DateTimeOffset? WorkerReportedAt);

    /// <summary>The columns of an audit entry that scoring reads.</summary>
    private sealed record ScoredStep(long Id, string SubjectId, AuditAction Action, DateTimeOffset At, DateTimeOffset? Deadline);
}
