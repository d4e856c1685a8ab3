using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Testing;

/// <summary>
/// Thousands of open alerts in a store at once, through the product's prepared insert (no change tracking, one
/// transaction): the queue and the wall at a real city's size. Each is raised by the domain as ingestion would.
/// </summary>
public static class BulkAlerts
{
    private static readonly Severity[] Severities = Enum.GetValues<Severity>();

    /// <summary>
    /// Raises <paramref name="count"/> alerts on the given grids in turn, reported a minute apart up to <paramref name="now"/>
    /// (so their deadlines differ), severities in turn; returns them in the order raised.
    /// </summary>
    public static async Task<IReadOnlyList<Alert>> InsertAsync(
        IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, IReadOnlyList<string> grids, int count, DateTimeOffset now, string category = "0401")
    {
        var policy = reference.CurrentPolicy;
        var alerts = new List<Alert>(count);
        for (var i = 0; i < count; i++)
        {
            var at = now.AddMinutes(-(count - i));
            var grid = grids[i % grids.Count];
            var severity = Severities[i % Severities.Length];
            var report = new NewAlertReport(AlertSource.Hotline, $"bulk-{i}-{Guid.NewGuid():N}", category, severity, grid, null, at, $"批量 #{i}");
            alerts.Add(Alert.Raise(report, reference.Map.PathOf(grid), policy.Version, false, policy.DeadlinesFor(category, severity, reference.Categories), Guid.CreateVersion7(at), at));
        }

        await using var db = await contexts.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        using (var insert = PreparedWrite<Alert>.Insert(db))
        {
            foreach (var alert in alerts)
            {
                insert.Insert(alert);
            }
        }

        await transaction.CommitAsync();
        return alerts;
    }
}
