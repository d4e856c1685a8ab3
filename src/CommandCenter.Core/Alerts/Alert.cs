using CommandCenter.Core.Access;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Policies;

namespace CommandCenter.Core.Alerts;

/// <summary>
/// A grid event (事件): one real-world problem, however many reports it took. Repeated reports of the same thing
/// merge into it and raise <see cref="RepeatCount"/> instead of making a new alert.
/// </summary>
public sealed class Alert
{
    private Alert()
    {
        // For EF Core.
        CategoryCode = ExternalId = GridCode = CommunityCode = TownCode = Title = null!;
    }

    public Guid Id { get; private set; }

    public AlertState State { get; private set; }

    public string CategoryCode { get; private set; }

    public Severity Severity { get; private set; }

    /// <summary>The channel and id of the first report; later reports are in <see cref="AlertReport"/>.</summary>
    public AlertSource Source { get; private set; }

    public string ExternalId { get; private set; }

    public string GridCode { get; private set; }

    public string CommunityCode { get; private set; }

    public string TownCode { get; private set; }

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>When the first report reached us.</summary>
    public DateTimeOffset ReportedAt { get; private set; }

    /// <summary>When the latest report (first or repeat) reached us; the merge window runs from here.</summary>
    public DateTimeOffset LastReportedAt { get; private set; }

    public string Title { get; private set; }

    public string? Description { get; private set; }

    public string? ReporterName { get; private set; }

    public string? ReporterPhone { get; private set; }

    /// <summary>How many reports beyond the first were merged into this alert.</summary>
    public int RepeatCount { get; private set; }

    /// <summary>The escalation policy version this alert started with; it keeps it for life.</summary>
    public int PolicyVersion { get; private set; }

    /// <summary>True when reported-at − occurred-at exceeded the late-report limit (迟报).</summary>
    public bool IsLateReport { get; private set; }

    /// <summary>When the late report was charged (责任倒查) to the grid's responsible person; null until then.</summary>
    public DateTimeOffset? LateChargedAt { get; private set; }

    /// <summary>The grid's responsible person when the late report was charged: responsibility can change later.</summary>
    public string? LateChargedTo { get; private set; }

    /// <summary>
    /// When the grid's own worker first reported it (the first report, or a repeat merged later); null when no worker
    /// ever did. An event the public or the hotline found and the worker never reported is a missed report (漏报).
    /// </summary>
    public DateTimeOffset? WorkerReportedAt { get; private set; }

    /// <summary>漏报: first reported by the public or the 12345 hotline, and never by the grid's worker.</summary>
    public bool IsMissedReport => AlertRules.IsMissedReport(Source, WorkerReportedAt);

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Who owns it ("being handled by X"): set by acknowledging, cleared by un-acknowledging.</summary>
    public string? HandlerId { get; private set; }

    public string? HandlerName { get; private set; }

    public DateTimeOffset? AcknowledgedAt { get; private set; }

    /// <summary>Who reported it fixed; verification must come from someone else.</summary>
    public string? ResolvedById { get; private set; }

    public string? Feedback { get; private set; }

    /// <summary>When the current stage (acknowledge, dispatch, handle, verify) started and when it is due.</summary>
    public DateTimeOffset StageStartedAt { get; private set; }

    /// <summary>Null once the alert is final.</summary>
    public DateTimeOffset? StageDeadline { get; private set; }

    /// <summary>Rungs climbed on the ladder (0 = grid, 1 = community, 2 = town, 3 = city): one per missed deadline.</summary>
    public int EscalationLevel { get; private set; }

    /// <summary>The stage deadline last escalated for, so each missed deadline escalates exactly once.</summary>
    public DateTimeOffset? EscalatedDeadline { get; private set; }

    /// <summary>True while the current stage's deadline has passed.</summary>
    public bool IsOverdue { get; private set; }

    /// <summary>Optimistic-concurrency token: bumped on every change.</summary>
    public long Version { get; private set; }

    public static Alert Raise(NewAlertReport report, NodePath path, int policyVersion, bool isLateReport, StageDeadlines deadlines, Guid id, DateTimeOffset now)
    {
        if (path.GridCode is null || path.CommunityCode is null || path.TownCode is null)
        {
            throw new DomainRuleException("An alert must be placed in a grid with its community and town.");
        }

        return new Alert
        {
            Id = id,
            State = AlertState.Reported,
            CategoryCode = report.CategoryCode,
            Severity = report.Severity,
            Source = report.Source,
            ExternalId = report.ExternalId,
            GridCode = path.GridCode,
            CommunityCode = path.CommunityCode,
            TownCode = path.TownCode,
            Latitude = report.Location?.Latitude,
            Longitude = report.Location?.Longitude,
            OccurredAt = report.OccurredAt,
            ReportedAt = now,
            LastReportedAt = now,
            Title = report.Title,
            Description = report.Description,
            ReporterName = report.Reporter?.Name,
            ReporterPhone = report.Reporter?.Phone,
            RepeatCount = 0,
            PolicyVersion = policyVersion,
            IsLateReport = isLateReport,
            WorkerReportedAt = report.Source == AlertSource.GridWorker ? now : null,
            UpdatedAt = now,
            StageStartedAt = now,
            StageDeadline = now + deadlines.Acknowledge,
            Version = 1,
        };
    }

    public NodePath Path(string cityCode) => new(cityCode, TownCode, CommunityCode, GridCode);

    public bool IsOpen => AlertRules.IsOpen(State);

    /// <summary>
    /// Moves an open alert to another grid after a re-division retired its own (or an administrator placed it). A
    /// closed alert keeps the place it was handled in: history is not rewritten.
    /// </summary>
    public void MoveToGrid(NodePath grid, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            throw new DomainRuleException($"Alert {Id} is closed ({State}); a closed alert keeps the grid it was handled in.");
        }

        if (grid.GridCode is null || grid.CommunityCode is null || grid.TownCode is null)
        {
            throw new DomainRuleException($"Alert {Id} can only move to a grid.");
        }

        (GridCode, CommunityCode, TownCode) = (grid.GridCode, grid.CommunityCode, grid.TownCode);
        Touch(now);
    }

    /// <summary>
    /// Whether a new report is the same event: same grid and category, this alert still open, and the report
    /// arriving within <paramref name="window"/> of this alert's latest report.
    /// </summary>
    public bool Absorbs(string gridCode, string categoryCode, DateTimeOffset receivedAt, TimeSpan window) =>
        IsOpen
        && GridCode == gridCode
        && CategoryCode == categoryCode
        && receivedAt - LastReportedAt <= window;

    /// <summary>Merges a repeated report: the count goes up and a graver severity wins; nothing else is overwritten.</summary>
    public void MergeRepeat(NewAlertReport report, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            throw new DomainRuleException($"Alert {Id} is {State}; a repeated report cannot merge into a final alert.");
        }

        RepeatCount++;
        LastReportedAt = now;
        if (report.Source == AlertSource.GridWorker)
        {
            WorkerReportedAt ??= now;
        }

        if (report.Severity > Severity)
        {
            Severity = report.Severity;
        }

        Touch(now);
    }

    /// <summary>
    /// Does a workflow action: checks the rule table and the people rules (only the holder or a supervisor
    /// un-acknowledges; the resolver cannot verify their own work; resolving needs feedback), moves the state,
    /// starts the next stage's clock from <paramref name="deadlines"/> and returns what changed with the deadline
    /// that applied to the stage being left. Jurisdiction is the caller's to check.
    /// </summary>
    public AlertTransition Apply(AlertAction action, Operator by, string? comment, StageDeadlines deadlines, DateTimeOffset now)
    {
        AlertActions.Ensure(action, State, by.Role);
        switch (action)
        {
            case AlertAction.Unacknowledge when HandlerId != by.UserId && !by.IsSupervisor:
                throw new WorkflowDeniedException($"Only {HandlerName} (who holds it) or a duty officer can un-acknowledge this alert.");
            case AlertAction.Verify or AlertAction.SendBack when ResolvedById == by.UserId:
                throw new WorkflowDeniedException("Verification must be done by someone other than the person who resolved it.");
            case AlertAction.Resolve when string.IsNullOrWhiteSpace(comment):
                throw new DomainRuleException("Resolving needs feedback: say what was done.");
        }

        var from = State;
        var deadlineLeft = StageDeadline;
        State = AlertActions.Target(action);
        switch (action)
        {
            case AlertAction.Acknowledge:
                (HandlerId, HandlerName, AcknowledgedAt) = (by.UserId, by.DisplayName, now);
                StartStage(now, deadlines.Dispatch);
                break;
            case AlertAction.Unacknowledge:
                (HandlerId, HandlerName, AcknowledgedAt) = (null, null, null);
                StageStartedAt = ReportedAt; // the acknowledge clock resumes; it never restarts
                StageDeadline = ReportedAt + deadlines.Acknowledge;
                IsOverdue = StageDeadline <= now;
                break;
            case AlertAction.Dispatch:
                StartStage(now, deadlines.Handle);
                break;
            case AlertAction.StartHandling when from == AlertState.Acknowledged:
                StartStage(now, deadlines.Handle);
                break;
            case AlertAction.StartHandling:
                break; // handling continues the dispatch stage's clock (or rework's)
            case AlertAction.Resolve:
                (ResolvedById, Feedback) = (by.UserId, comment);
                StartStage(now, deadlines.Verify);
                break;
            case AlertAction.SendBack:
                ResolvedById = null;
                StartStage(now, deadlines.Handle);
                break;
            case AlertAction.Verify or AlertAction.Void:
                StageStartedAt = now;
                StageDeadline = null;
                IsOverdue = false;
                break;
        }

        Touch(now);
        return new AlertTransition(action, from, State, deadlineLeft, by, comment);
    }

    /// <summary>
    /// Flags the alert overdue and climbs one rung if its stage deadline has passed and was not escalated yet.
    /// Returns false when there is nothing to do, so running it twice changes nothing.
    /// </summary>
    public bool EscalateIfOverdue(DateTimeOffset now, int topRung)
    {
        // Deadlines only move forward, except when un-acknowledging restores the acknowledge deadline: one at or
        // before the last escalated deadline was either escalated already or met in time, so it never climbs again.
        if (StageDeadline is not { } deadline || deadline > now || EscalatedDeadline >= deadline)
        {
            return false;
        }

        EscalatedDeadline = deadline;
        EscalationLevel = Math.Min(EscalationLevel + 1, topRung);
        IsOverdue = true;
        Touch(now);
        return true;
    }

    /// <summary>
    /// Charges a late report to <paramref name="responsibleName"/>, once: false when it is not late or already charged.
    /// Charging is bookkeeping beside the workflow, so it leaves <see cref="Version"/> alone: a staff action at the
    /// same moment must not fail as a conflict because of it. The caller serialises charging (a write transaction).
    /// </summary>
    public bool ChargeLateReport(string responsibleName, DateTimeOffset now)
    {
        if (!IsLateReport || LateChargedAt is not null)
        {
            return false;
        }

        LateChargedAt = now;
        LateChargedTo = responsibleName;
        return true;
    }

    private void StartStage(DateTimeOffset now, TimeSpan limit)
    {
        StageStartedAt = now;
        StageDeadline = now + limit;
        IsOverdue = false;
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}
