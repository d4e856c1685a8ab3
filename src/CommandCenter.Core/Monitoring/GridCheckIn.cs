using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Core.Monitoring;

/// <summary>A grid worker saying "I am here and all is well" (网格员签到): it keeps a quiet grid from counting as silent.</summary>
public sealed class GridCheckIn
{
    public long Id { get; init; }

    public required string GridCode { get; init; }

    public required string WorkerName { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>A check-in in <paramref name="grid"/>; the node must be a grid and the worker named.</summary>
    public static GridCheckIn Record(AdminNode grid, string workerName, DateTimeOffset at)
    {
        if (grid.Level != NodeLevel.Grid)
        {
            throw new DomainRuleException($"Check-ins are made in a grid; {grid.Code} ({grid.Name}) is a {grid.Level.ToString().ToLowerInvariant()}.");
        }

        var name = workerName.Trim();
        if (name.Length is 0 or > IngestionLimits.NameMaxLength)
        {
            throw new DomainRuleException($"A check-in needs the worker's name (1–{IngestionLimits.NameMaxLength} characters).");
        }

        return new GridCheckIn { GridCode = grid.Code, WorkerName = name, At = at };
    }
}

/// <summary>
/// When a grid falls silent: no report and no check-in for a set time, a sign that nobody may be watching it
/// (the domain notes in wwwroot-assets/docs/, "Silent grids").
/// </summary>
public static class GridSilence
{
    /// <summary>
    /// The moment a grid last heard from at <paramref name="lastActivity"/> (null: never) falls silent. A grid is
    /// watched from <paramref name="watchedSince"/> on, so activity before that (or none) counts from there.
    /// </summary>
    public static DateTimeOffset SilentFrom(DateTimeOffset? lastActivity, DateTimeOffset watchedSince, TimeSpan quietLimit)
    {
        if (quietLimit <= TimeSpan.Zero)
        {
            throw new DomainRuleException($"A grid's quiet limit must be positive; got {quietLimit}.");
        }

        return (lastActivity > watchedSince ? lastActivity.Value : watchedSince) + quietLimit;
    }

    /// <summary>Silent once the quiet limit has fully passed: at <see cref="SilentFrom"/> itself, not only after it.</summary>
    public static bool IsSilent(DateTimeOffset? lastActivity, DateTimeOffset watchedSince, TimeSpan quietLimit, DateTimeOffset now) =>
        SilentFrom(lastActivity, watchedSince, quietLimit) <= now;
}
