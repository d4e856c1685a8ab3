using CommandCenter.Core.Hierarchy;

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

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Optimistic-concurrency token: bumped on every change.</summary>
    public long Version { get; private set; }

    public static Alert Raise(NewAlertReport report, NodePath path, int policyVersion, bool isLateReport, Guid id, DateTimeOffset now)
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
            UpdatedAt = now,
            Version = 1,
        };
    }

    public NodePath Path(string cityCode) => new(cityCode, TownCode, CommunityCode, GridCode);

    public bool IsOpen => AlertWorkflow.IsOpen(State);

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
        if (report.Severity > Severity)
        {
            Severity = report.Severity;
        }

        Touch(now);
    }

    /// <summary>Moves the alert to another state through the workflow's rules; an illegal move throws.</summary>
    public AlertState MoveTo(AlertState next, DateTimeOffset now)
    {
        AlertWorkflow.EnsureCanMove(State, next);
        var previous = State;
        State = next;
        Touch(now);
        return previous;
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}
