using CommandCenter.Core.Alerts;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>
/// The staff console's queue as query words: open alerts in urgency order, a page at a time, so a town with thousands
/// open is read a page at a time from the open-alert indexes (<c>IX_Alerts_Open*</c>), never whole.
/// </summary>
public static class QueueQueries
{
    /// <summary>
    /// Most urgent first: overdue and nearest deadlines on top, then by id — time-ordered, so the earlier raised of two
    /// alerts due at the same millisecond — which makes the order total: pages neither overlap nor skip, and a page
    /// comes off the open-alert index without a sort. (A graver alert already has the nearer deadline.)
    /// </summary>
    public static IOrderedQueryable<Alert> InUrgencyOrder(this IQueryable<Alert> alerts) => alerts
        .OrderBy(a => a.StageDeadline)
        .ThenBy(a => a.Id);

    /// <summary>Page <paramref name="page"/> (from 0) of <paramref name="size"/> rows.</summary>
    public static IQueryable<Alert> Page(this IOrderedQueryable<Alert> alerts, int page, int size) =>
        alerts.Skip(page * size).Take(size);
}
