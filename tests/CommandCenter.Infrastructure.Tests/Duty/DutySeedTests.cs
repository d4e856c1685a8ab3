using CommandCenter.Core;
using CommandCenter.Core.Duty;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Duty;

/// <summary>The demo duty rosters come with <c>Demo:DutyRosters</c> only, never over a roster already kept, and a bad one stops start-up.</summary>
public sealed class DutySeedTests
{
    private static readonly Dictionary<string, string?> WithRosters = new() { ["Demo:DutyRosters"] = "true" };

    [Fact]
    public async Task Start_WithDemoRosters_TheCityAndThreeTownsHaveSomeoneOnDuty()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: WithRosters);

        var directory = host.Get<IDutyDirectory>();
        foreach (var node in new[] { "330188", "330188001", "330188002", "330188003" })
        {
            var watch = await directory.OnDutyAsync(node, StoreHost.Start, CancellationToken.None);
            Assert.True(watch is { IsUnmanned: false }, $"nobody on duty at {node}");
        }

        Assert.Null(await directory.OnDutyAsync("330188004", StoreHost.Start, CancellationToken.None));
    }

    [Fact]
    public async Task Start_WithoutTheSetting_LoadsNoRosters()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await using var db = host.NewDbContext();
        Assert.Equal(0, await db.DutyRosters.CountAsync());
    }

    [Fact]
    public async Task Restart_KeepsARosterEditedSince()
    {
        using var dir = new TempDirectory();
        await using (var first = await StoreHost.StartAsync(dir.Path, settings: WithRosters))
        {
            await using var db = first.NewDbContext();
            var city = await db.DutyRosters.SingleAsync(r => r.NodeCode == "330188");
            city.UpdatedBy = "edited";
            await db.SaveChangesAsync();
        }

        await using var again = await StoreHost.StartAsync(dir.Path, settings: WithRosters);

        await using var check = again.NewDbContext();
        Assert.Equal("edited", (await check.DutyRosters.SingleAsync(r => r.NodeCode == "330188")).UpdatedBy);
        Assert.Equal(4, await check.DutyRosters.CountAsync());
    }

    [Fact]
    public async Task Start_WithAnOverlappingSeedRoster_StopsNamingTheFile()
    {
        using var dir = new TempDirectory();
        var seeds = Path.Combine(dir.Path, "seeds");
        Directory.CreateDirectory(seeds);
        foreach (var file in Directory.GetFiles(DemoCity.SeedDir))
        {
            File.Copy(file, Path.Combine(seeds, Path.GetFileName(file)));
        }

        var duty = File.ReadAllText(Path.Combine(seeds, "duty.json")).Replace("\"start\": \"20:00:00\"", "\"start\": \"19:00:00\"", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(seeds, "duty.json"), duty);

        var error = await Assert.ThrowsAsync<DomainRuleException>(() => StoreHost.StartAsync(Path.Combine(dir.Path, "data"), settings: WithRosters, seedDir: seeds));

        Assert.Contains("duty.json is not valid", error.Message, StringComparison.Ordinal);
        Assert.Contains("overlap", error.Message, StringComparison.Ordinal);
    }
}
