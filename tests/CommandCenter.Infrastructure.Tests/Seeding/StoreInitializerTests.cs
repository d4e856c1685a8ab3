using CommandCenter.Core.Audit;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Seeding;

public sealed class StoreInitializerTests
{
    [Fact]
    public async Task InitializeAsync_FreshStore_HoldsTheDemoCity()
    {
        using var dir = new TempDirectory();

        await using var host = await StoreHost.StartAsync(dir.Path);

        await using var db = host.NewDbContext();
        Assert.Equal(337, await db.Nodes.CountAsync()); // 1 city, 6 towns, 30 communities, 300 grids
        Assert.Equal(60, await db.Teams.CountAsync());
        Assert.Equal(45, await db.Categories.CountAsync()); // 7 top-level categories and their 38 children
        Assert.Equal([1], await db.Policies.Select(p => p.Version).ToListAsync());
    }

    [Fact]
    public async Task InitializeAsync_FreshStore_LoadsReferenceDataFromTheStore()
    {
        using var dir = new TempDirectory();

        await using var host = await StoreHost.StartAsync(dir.Path);

        var reference = host.Get<ReferenceData>();
        Assert.Equal(300, reference.Map.Grids.Count());
        Assert.Equal(45, reference.Categories.All.Count);
        Assert.Equal(1, reference.CurrentPolicy.Version);
    }

    [Fact]
    public async Task InitializeAsync_FreshStore_AppliesTheInitialMigration()
    {
        using var dir = new TempDirectory();

        await using var host = await StoreHost.StartAsync(dir.Path);

        await using var db = host.NewDbContext();
        Assert.Contains(await db.Database.GetAppliedMigrationsAsync(), id => id.EndsWith("_Initial", StringComparison.Ordinal));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Model_HasNoChangesMissingFromTheMigrations()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await using var db = host.NewDbContext();

        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a migration: run `dotnet ef migrations add`.");
    }

    [Fact]
    public async Task InitializeAsync_SecondStartOnTheSameStore_AddsNothing()
    {
        using var dir = new TempDirectory();
        int[] before;
        await using (var first = await StoreHost.StartAsync(dir.Path))
        {
            before = await CountReferenceRowsAsync(first);
        }

        await using var second = await StoreHost.StartAsync(dir.Path);

        Assert.Equal(before, await CountReferenceRowsAsync(second));
    }

    [Fact]
    public async Task InitializeAsync_SecondStartOnTheSameStore_LeavesStoredTeamsAsTheyAre()
    {
        using var dir = new TempDirectory();
        await using (var first = await StoreHost.StartAsync(dir.Path))
        {
            await first.Get<TeamService>().ChangeStatusAsync("TM-001", new TeamStatusReport(TeamStatus.OffDuty), Actors.Dispatcher);
        }

        await using var second = await StoreHost.StartAsync(dir.Path);

        await using var db = second.NewDbContext();
        Assert.Equal(TeamStatus.OffDuty, (await db.Teams.SingleAsync(t => t.Code == "TM-001")).Status);
    }

    [Fact]
    public async Task Restart_KeepsIngestedAlertAndItsAuditEntry()
    {
        using var dir = new TempDirectory();
        Guid alertId;
        await using (var first = await StoreHost.StartAsync(dir.Path))
        {
            var result = await first.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(DemoCity.GridCode(0, 0, 1)), Actors.Hotline);
            alertId = result.Alert.Id;
        }

        await using var second = await StoreHost.StartAsync(dir.Path);

        await using var db = second.NewDbContext();
        var subjectId = alertId.ToString();
        Assert.True(await db.Alerts.AnyAsync(a => a.Id == alertId));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.SubjectId == subjectId && e.Action == AuditAction.Raised));
    }

    private static async Task<int[]> CountReferenceRowsAsync(StoreHost host)
    {
        await using var db = host.NewDbContext();
        return
        [
            await db.Nodes.CountAsync(),
            await db.Teams.CountAsync(),
            await db.Categories.CountAsync(),
            await db.Policies.CountAsync(),
        ];
    }
}
