using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>
/// The staff console's queue as query words: open alerts in urgency order, a page at a time, so a town with thousands
/// open is read a page at a time from the open-alert indexes (<c>IX_Alerts_Open*</c>), never whole.
/// </summary>
public static class QueueQueries
{
    /// <summary>
    /// The open alerts under <paramref name="scope"/> that pass <paramref name="filter"/>, every condition in the query.
    /// The filter's node only narrows: a node outside the scope gives an empty queue, never a wider one.
    /// </summary>
    public static IQueryable<Alert> OpenQueue(this IQueryable<Alert> alerts, AdminNode scope, QueueFilter filter)
    {
        var query = alerts.InSubtree(scope).WhereOpen();
        if (filter.State is { } state)
        {
            query = query.Where(a => a.State == state);
        }

        if (filter.Severity is { } severity)
        {
            query = query.Where(a => a.Severity == severity);
        }

        // A 大类's code prefixes its 小类's codes: one condition on the text, not a list of codes.
        if (filter.CategoryRoot is { } root)
        {
            query = query.Where(a => a.CategoryCode.StartsWith(root));
        }

        return filter.Node is { } node ? query.InSubtree(node) : query;
    }

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

    /// <summary>
    /// The queue's total and the rows of page <paramref name="page"/> in urgency order. A page past the end (the queue
    /// shrank under it) reads as the last page, so a live change never leaves the reader on an empty page.
    /// </summary>
    public static async Task<QueuePage> ReadPageAsync(this IQueryable<Alert> queue, int page, int size, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var total = await queue.CountAsync(cancellationToken);
        var clamped = Math.Clamp(page, 0, QueuePage.PagesFor(total, size) - 1);
        var rows = await queue.InUrgencyOrder().Page(clamped, size).ToListAsync(cancellationToken);
        return new QueuePage(rows, total, clamped, size);
    }
}

/// <summary>
/// The console's filters, each already checked at the page (a state that is open, a top-level category, a node under
/// the operator's); null is "all".
/// </summary>
public sealed record QueueFilter(AlertState? State = null, Severity? Severity = null, string? CategoryRoot = null, AdminNode? Node = null)
{
    public static QueueFilter All { get; } = new();
}

/// <summary>One page of the queue: its rows, the total in scope, and which page (from 0) of how many it is.</summary>
public sealed record QueuePage(IReadOnlyList<Alert> Rows, int Total, int Page, int Size)
{
    public static QueuePage Empty(int size) => new([], 0, 0, size);

    /// <summary>At least one: an empty queue is one empty page.</summary>
    public int PageCount => PagesFor(Total, Size);

    /// <summary>The 1-based positions of the first and last row in view, (0, 0) when empty.</summary>
    public (int First, int Last) Shown => Rows.Count == 0 ? (0, 0) : (Page * Size + 1, Page * Size + Rows.Count);

    internal static int PagesFor(int total, int size) => Math.Max(1, (total + size - 1) / size);
}
