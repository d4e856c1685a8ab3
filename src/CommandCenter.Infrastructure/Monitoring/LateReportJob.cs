using Quartz;

namespace CommandCenter.Infrastructure.Monitoring;

/// <summary>Charges late reports not charged yet every <see cref="Interval"/>, and once at start-up for what happened while the server was down.</summary>
[DisallowConcurrentExecution]
public sealed class LateReportJob(LateReportService lateReport) : IJob
{
    public static readonly JobKey Key = new("late-report", "monitoring");

    /// <summary>A late report is charged within this long of being raised.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await lateReport.ChargeDueAsync(cancellationToken);
}
