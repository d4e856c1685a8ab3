using Quartz;

namespace CommandCenter.Infrastructure.Policies;

/// <summary>
/// Picks up policy versions another server sharing the store saved, every <see cref="Interval"/>. A server that saves
/// one loads it at once; the others must learn it too, or their new alerts would start on the older version and an
/// alert raised elsewhere under the new one would name a version they cannot find.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PolicyRefreshJob(PolicyAdministration policies) : IJob
{
    public static readonly JobKey Key = new("policy-refresh", "reference");

    /// <summary>One indexed MAX per run; ten seconds keeps the servers' gap shorter than any deadline.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await policies.RefreshAsync(cancellationToken);
}
