using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// Contexts are pooled, and services change a context's settings for their own work (ingestion turns automatic
/// savepoints off); a context handed out again must come back as new, or the next user would inherit them.
/// </summary>
public sealed class PooledContextTests
{
    [Fact]
    public async Task CreateDbContext_AfterAnotherChangedItsSettingsAndTrackedRows_HandsOutAFreshContext()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var contexts = host.Get<IDbContextFactory<CommandCenterDbContext>>();
        CommandCenterDbContext first;
        await using (first = await contexts.CreateDbContextAsync())
        {
            first.Database.AutoSavepointsEnabled = false;
            first.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
            first.AlertReports.Add(new AlertReport
            {
                AlertId = Guid.NewGuid(), Source = AlertSource.Hotline, ExternalId = "left-behind",
                ReceivedAt = host.Time.GetUtcNow(), OccurredAt = host.Time.GetUtcNow(),
            });
        }

        await using var next = await contexts.CreateDbContextAsync();

        Assert.Same(first, next);
        Assert.True(next.Database.AutoSavepointsEnabled);
        Assert.Equal(QueryTrackingBehavior.TrackAll, next.ChangeTracker.QueryTrackingBehavior);
        Assert.Empty(next.ChangeTracker.Entries());
    }
}
