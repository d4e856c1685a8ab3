using Quartz;

namespace CommandCenter.Infrastructure.Monitoring;

/// <summary>Flags petition warnings whose follow-up is overdue every <see cref="Interval"/>, and once at start-up for what happened while the server was down.</summary>
[DisallowConcurrentExecution]
public sealed class PetitionCadenceJob(PetitionCadenceService petitionCadence) : IJob
{
    public static readonly JobKey Key = new("petition-cadence", "monitoring");

    /// <summary>A warning turns red within this long of its cadence running out.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await petitionCadence.FlagOverdueAsync(cancellationToken);
}
