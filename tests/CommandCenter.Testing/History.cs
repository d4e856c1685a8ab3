using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Testing;

/// <summary>
/// A city's past as the product would have stored it: alerts spread over a period, each with its report and the
/// audit entries of its workflow (raised, acknowledged, …, closed or voided), made by the domain's own factories and
/// transitions and written through the product's prepared inserts — a year of a large city (a million alerts) in
/// minutes. Deterministic for a seed. Alerts of the last two weeks are partly still open, in every open state.
/// </summary>
public static class History
{
    private static readonly AlertState[] OpenStates = [AlertState.Reported, AlertState.Acknowledged, AlertState.Handling, AlertState.Resolved, AlertState.Rework];
    private static readonly TimeSpan RecentSpan = TimeSpan.FromDays(14);

    /// <summary>What was written, for tests to count independently: the alerts left open, and how many rows of each kind.</summary>
    public sealed record Written(IReadOnlyList<Alert> Open, int Alerts, int Reports, int AuditEntries);

    /// <param name="end">The period ends here (now, in a test); it starts <paramref name="span"/> before.</param>
    /// <param name="openShare">The share of the last two weeks' alerts still open at the end.</param>
    public static async Task<Written> WriteAsync(
        IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, int alerts, DateTimeOffset end, TimeSpan span,
        double openShare = 0.3, int seed = 2026, int batch = 50_000, CancellationToken ct = default)
    {
        var random = new Random(seed);
        var grids = reference.Map.Grids.Select(g => g.Code).ToArray();
        var categories = reference.Categories.All.Where(c => c.ParentCode is not null).Select(c => c.Code).ToArray();
        var policy = reference.CurrentPolicy;
        var reporter = new Actor("网格员");
        var open = new List<Alert>();
        var (reports, audit) = (0, 0);
        var start = end - span;
        for (var first = 0; first < alerts; first += batch)
        {
            var rows = new Rows();
            for (var i = first; i < Math.Min(alerts, first + batch); i++)
            {
                var at = start + TimeSpan.FromTicks((long)((double)span.Ticks * i / alerts));
                var severity = random.NextDouble() switch { < 0.6 => Severity.General, < 0.85 => Severity.Major, < 0.95 => Severity.Serious, _ => Severity.Critical };
                var category = categories[random.Next(categories.Length)];
                var grid = grids[random.Next(grids.Length)];
                var occurred = at.AddMinutes(-random.Next(0, 180));
                var report = new NewAlertReport(AlertSource.GridWorker, $"history-{seed}-{i}", category, severity, grid, null, occurred, $"历史事件 #{i}");
                var deadlines = policy.DeadlinesFor(category, severity, reference.Categories);
                var alert = Alert.Raise(report, reference.Map.PathOf(grid), policy.Version, policy.IsLateReport(severity, occurred, at), deadlines, Guid.CreateVersion7(at), at);
                rows.Audit.Add(AuditEntry.ForAlert(alert, AuditAction.Raised, reporter, at, alert.IsLateReport ? "Late report (迟报)" : null));
                rows.Reports.Add(new AlertReport { AlertId = alert.Id, Source = report.Source, ExternalId = report.ExternalId, ReceivedAt = at, OccurredAt = occurred });

                var stillOpen = at > end - RecentSpan && random.NextDouble() < openShare;
                var target = stillOpen ? OpenStates[random.Next(OpenStates.Length)] : random.NextDouble() < 0.03 ? AlertState.Voided : AlertState.Closed;
                var step = at;
                foreach (var (action, by) in AlertSteps.PathTo(target))
                {
                    step = Min(step.AddMinutes(random.Next(1, 90)), end);
                    var transition = alert.Apply(action, by, action == AlertAction.Resolve ? "已处理" : null, deadlines, step);
                    rows.Audit.Add(AuditEntry.ForTransition(alert, transition, step));
                }

                rows.Alerts.Add(alert);
                if (stillOpen)
                {
                    open.Add(alert);
                }
            }

            await InsertAsync(contexts, rows, ct);
            reports += rows.Reports.Count;
            audit += rows.Audit.Count;
        }

        return new Written(open, alerts, reports, audit);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static async Task InsertAsync(IDbContextFactory<CommandCenterDbContext> contexts, Rows rows, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        Insert(db, rows.Alerts);
        Insert(db, rows.Reports);
        await Infrastructure.Audit.AuditChains.InsertAsync(db, rows.Audit, ct);
        await transaction.CommitAsync(ct);
    }

    private static void Insert<T>(CommandCenterDbContext db, IEnumerable<T> rows) where T : class
    {
        using var insert = PreparedWrite<T>.Insert(db);
        foreach (var row in rows)
        {
            insert.Insert(row);
        }
    }

    private sealed class Rows
    {
        public List<Alert> Alerts { get; } = [];

        public List<AlertReport> Reports { get; } = [];

        public List<AuditEntry> Audit { get; } = [];
    }
}
