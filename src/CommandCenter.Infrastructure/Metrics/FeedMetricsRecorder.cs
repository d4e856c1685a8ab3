using CommandCenter.Core.Alerts;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Metrics;

/// <summary>
/// Turns domain changes on the live feed into metric points, so trends and rates can be read from the metric store
/// without scanning the operational store. It listens where the hub listens — after each change is committed — and
/// only calls <see cref="IMetricWriter.Write"/>, which never waits, so recording can never slow the feed.
/// </summary>
/// <remarks>
/// Measurements (tags; fields), each point dated when the change happened:
/// <list type="bullet">
/// <item><c>alert_events</c> (town, community, grid, kind = the top-level category 大类, category, severity, source,
/// change = raised | merged | escalated; count)</item>
/// <item><c>alert_transitions</c> (town, category, severity, from, to; count)</item>
/// <item><c>ack_latency</c>, <c>dispatch_latency</c>, <c>close_latency</c> (town, category, severity; seconds from the
/// first report to the acknowledgement, the dispatch, the verified closure)</item>
/// <item><c>late_reports</c> (town, severity; count, delay_seconds)</item>
/// <item><c>petition_events</c> (town, stage, attention, change = opened | moved | updated; count)</item>
/// <item><c>team_status</c> (town, team_type, level, status; count)</item>
/// </list>
/// Heartbeats, deployments (mirrored by team status) and silent-grid sets are not recorded.
/// </remarks>
public sealed class FeedMetricsRecorder(ILiveFeed feed, IMetricWriter writer, ReferenceData reference, ILogger<FeedMetricsRecorder> logger) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(RecordAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The points one feed message becomes (none for messages that are not recorded).</summary>
    public static IEnumerable<MetricPoint> ToPoints(FeedMessage message, CategoryTree categories)
    {
        var town = message.Scope.TownCode;
        switch (message)
        {
            case AlertChanged { Change: AlertChange.Moved }:
                break; // a re-division moved it: nothing happened at the place itself

            case AlertChanged alert when alert.Change is not AlertChange.StateChanged:
                yield return MetricPoint.Occurrence("alert_events", Tags(
                    ("town", town), ("community", alert.Scope.CommunityCode), ("grid", alert.Scope.GridCode),
                    ("kind", categories.Find(alert.CategoryCode) is null ? null : categories.RootOf(alert.CategoryCode).Code), ("category", alert.CategoryCode), ("severity", alert.Severity.ToString()),
                    ("source", alert.Source.ToString()), ("change", alert.Change switch
                    {
                        AlertChange.Raised => "raised",
                        AlertChange.RepeatMerged => "merged",
                        AlertChange.Escalated => "escalated",
                        _ => throw new ArgumentOutOfRangeException(nameof(message), alert.Change, "Not an alert event."),
                    })), alert.At);
                break;

            case AlertChanged alert:
                yield return MetricPoint.Occurrence("alert_transitions", Tags(
                    ("town", town), ("category", alert.CategoryCode), ("severity", alert.Severity.ToString()),
                    ("from", alert.PreviousState?.ToString()), ("to", alert.State.ToString())), alert.At);
                if (LatencyOf(alert) is { } measurement && alert.At >= alert.ReportedAt)
                {
                    yield return new MetricPoint(
                        measurement,
                        Tags(("town", town), ("category", alert.CategoryCode), ("severity", alert.Severity.ToString())),
                        new Dictionary<string, double> { ["seconds"] = (alert.At - alert.ReportedAt).TotalSeconds },
                        alert.At);
                }

                break;

            case LateReportCharged late:
                yield return new MetricPoint(
                    "late_reports",
                    Tags(("town", town), ("severity", late.Severity.ToString())),
                    new Dictionary<string, double> { [MetricPoint.CountField] = 1, ["delay_seconds"] = late.Delay.TotalSeconds },
                    late.At);
                break;

            case PetitionWarningChanged warning:
                yield return MetricPoint.Occurrence("petition_events", Tags(
                    ("town", town), ("stage", warning.Stage.ToString()), ("attention", warning.Attention.ToString()),
                    ("change", warning.PreviousStage is null ? "opened" : warning.PreviousStage == warning.Stage ? "updated" : "moved")), warning.At);
                break;

            case TeamStatusChanged team:
                yield return MetricPoint.Occurrence("team_status", Tags(
                    ("town", town), ("team_type", team.Type.ToString()), ("level", team.Level.ToString()), ("status", team.Status.ToString())), team.At);
                break;
        }
    }

    /// <summary>The latency a step completes: acknowledged (first time), dispatched, closed by verification.</summary>
    private static string? LatencyOf(AlertChanged alert) => (alert.PreviousState, alert.State) switch
    {
        (AlertState.Reported, AlertState.Acknowledged) => "ack_latency",
        (AlertState.Acknowledged, AlertState.Dispatched) => "dispatch_latency",
        (AlertState.Resolved, AlertState.Closed) => "close_latency",
        _ => null,
    };

    private ValueTask RecordAsync(FeedMessage message, CancellationToken ct)
    {
        try
        {
            foreach (var point in ToPoints(message, reference.Categories))
            {
                writer.Write(point);
            }
        }
        catch (ArgumentException ex)
        {
            // A value no metric store can hold (a time before 1970…): the change itself is unaffected, the metric is skipped.
            logger.LogWarning(ex, "Feed message {MessageType} not recorded as a metric", message.GetType().Name);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Tags without the absent ones (a city-level change has no town).</summary>
    private static Dictionary<string, string> Tags(params (string Key, string? Value)[] tags) =>
        tags.Where(t => !string.IsNullOrEmpty(t.Value)).ToDictionary(t => t.Key, t => t.Value!, StringComparer.Ordinal);
}
