using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure;

namespace CommandCenter.Testing;

/// <summary>
/// Alerts that are overdue now and have climbed a given number of rungs, made by replaying a past through the
/// domain's own rules: raised, escalated at each missed deadline, moved on a minute later by <c>holder</c>. For
/// putting a store straight into the state a running app would have reached, without waiting hours.
/// </summary>
public static class OverdueAlerts
{
    private static readonly TimeSpan ActAfter = TimeSpan.FromMinutes(1);

    /// <param name="rungs">
    /// Missed deadlines, 0–3: each is a stage (acknowledge, dispatch, handle) that ran out and was escalated. 0 is an
    /// alert past its acknowledge deadline that no escalation run has seen yet.
    /// </param>
    /// <param name="overdueFor">How long ago the current stage fell due.</param>
    /// <param name="holder">Who acknowledged and dispatched it; needed for more than one rung (the alert moved on).</param>
    public static Alert Replay(
        ReferenceData reference,
        string gridCode,
        int rungs,
        TimeSpan overdueFor,
        DateTimeOffset now,
        Operator? holder = null,
        string title = "楼道堆物",
        Severity severity = Severity.Major,
        string category = "0301",
        bool isLateReport = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rungs);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rungs, 3);
        if (rungs > 1 && holder is null)
        {
            throw new ArgumentException("An alert past more than one deadline was acknowledged by someone: name the holder.", nameof(holder));
        }

        var policy = reference.CurrentPolicy;
        var deadlines = policy.DeadlinesFor(category, severity, reference.Categories);
        TimeSpan[] stages = [deadlines.Acknowledge, deadlines.Dispatch, deadlines.Handle];
        var missed = Math.Max(rungs, 1);
        var history = stages.Take(missed).Aggregate(TimeSpan.Zero, (sum, stage) => sum + stage) + (ActAfter * (missed - 1));
        var start = now - overdueFor - history;

        var path = reference.Map.PathOf(gridCode);
        var report = new NewAlertReport(AlertSource.Hotline, $"overdue-{Guid.NewGuid():N}", category, severity, gridCode, null, start, title);
        var alert = Alert.Raise(report, path, policy.Version, isLateReport, deadlines, Guid.NewGuid(), start);
        for (var rung = 1; rung <= rungs; rung++)
        {
            var due = alert.StageDeadline!.Value;
            alert.EscalateIfOverdue(due, policy.Ladder.Count - 1);
            if (rung < rungs)
            {
                alert.Apply(rung == 1 ? AlertAction.Acknowledge : AlertAction.Dispatch, holder!, null, deadlines, due + ActAfter);
            }
        }

        return alert;
    }
}
