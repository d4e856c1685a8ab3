using Quartz;

namespace CommandCenter.Infrastructure.Monitoring;

/// <summary>Recomputes the set of silent grids every <see cref="Interval"/>, and once at start-up for what happened while the server was down.</summary>
[DisallowConcurrentExecution]
public sealed class SilentGridJob(GridActivityService gridActivity) : IJob
{
    public static readonly JobKey Key = new("silent-grids", "monitoring");

    /// <summary>Silence is measured in hours; a minute is plenty.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await gridActivity.UpdateSilentGridsAsync(cancellationToken);
}
