using Quartz;

namespace CommandCenter.Infrastructure.Workflow;

/// <summary>Runs the escalation scan every <see cref="Interval"/>, and once at start-up for deadlines that passed while the server was down.</summary>
[DisallowConcurrentExecution]
public sealed class OverdueEscalationJob(EscalationService escalation) : IJob
{
    public static readonly JobKey Key = new("overdue-escalation", "workflow");

    /// <summary>An alert is flagged within this long of its deadline passing (the target is 5 s).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await escalation.EscalateDueAsync(cancellationToken);
}
