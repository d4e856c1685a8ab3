using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>
/// The 2-second escalation scan must read only alerts not yet escalated: SQLite has to pick the partial index
/// <c>IX_Alerts_EscalationDue</c> for the scan's own queries (a reworded condition would silently fall back to reading
/// the whole overdue backlog on every run) — the lock-free first look and the batch read alike.
/// </summary>
public sealed class EscalationScanPlanTests
{
    [Fact]
    public async Task Due_TheBatchRead_IsAnsweredFromThePartialIndex()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using var db = host.NewDbContext();
        var query = EscalationService.Due(db.Alerts, host.Time.GetUtcNow(), EscalationService.DefaultBatchSize).ToQueryString();

        var plan = await QueryPlans.ExplainAsync(db, query);

        Assert.Contains("IX_Alerts_EscalationDue", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Due_TheFirstLook_IsAnsweredFromThePartialIndex()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using var db = host.NewDbContext();
        var query = EscalationService.Due(db.Alerts, host.Time.GetUtcNow(), 1).Select(a => a.Id).ToQueryString();

        var plan = await QueryPlans.ExplainAsync(db, query);

        Assert.Contains("IX_Alerts_EscalationDue", plan, StringComparison.Ordinal);
    }
}
