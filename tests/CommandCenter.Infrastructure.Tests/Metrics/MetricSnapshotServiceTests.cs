using CommandCenter.Core.Alerts;
using CommandCenter.Core.Metrics;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Tests.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>The minute's snapshot: open alerts per town and severity (with overdue), teams per town and status.</summary>
public sealed class MetricSnapshotServiceTests
{
    [Fact]
    public async Task SnapshotAsync_OpenAlerts_CountedPerTownAndSeverityWithOverdue()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await host.RaiseAsync(Staff.DemoGrid(1), "a");
        await host.RaiseAsync(Staff.DemoGrid(2), "b");
        var voided = await host.RaiseAsync(Staff.DemoGrid(3), "c");
        await host.ApplyAsync(voided, AlertAction.Void, Staff.CityDutyOfficer, "重复");
        host.Time.Advance(TimeSpan.FromMinutes(31)); // past the 30-minute acknowledge deadline
        await host.RaiseAsync(DemoCity.GridCode(3, 0, 1), "d");
        var writer = new RecordingWriter();

        var points = await Service(host, writer).SnapshotAsync();

        var open = points.Where(p => p.Measurement == "open_alerts").ToDictionary(p => p.Tags["town"]);
        Assert.Equal((2, 2), (open[Staff.TownCode].Fields["count"], open[Staff.TownCode].Fields["overdue"]));
        Assert.Equal((1, 0), (open["330188004"].Fields["count"], open["330188004"].Fields["overdue"]));
        Assert.Equal("General", open[Staff.TownCode].Tags["severity"]);
        Assert.Equal(points, writer.Written);
        Assert.All(points, p => Assert.Equal(host.Time.GetUtcNow(), p.Timestamp));
    }

    [Fact]
    public async Task SnapshotAsync_Teams_CountedPerTownAndStatus_CityTeamsWithoutATown()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using (var db = host.NewDbContext())
        {
            (await db.Teams.SingleAsync(t => t.Code == "TM-006")).ChangeStatus(TeamStatus.OffDuty, null, host.Time.GetUtcNow());
            await db.SaveChangesAsync();
        }

        var points = await Service(host, new RecordingWriter()).SnapshotAsync();

        var teams = points.Where(p => p.Measurement == "team_snapshot").ToList();
        Assert.Equal(60, teams.Sum(p => p.Fields["count"]));
        Assert.Equal(1, Assert.Single(teams, p => p.Tags.GetValueOrDefault("town") == Staff.TownCode && p.Tags["status"] == "OffDuty").Fields["count"]);
        Assert.Equal(5, Assert.Single(teams, p => !p.Tags.ContainsKey("town")).Fields["count"]); // the city's five teams, all available
    }

    private static MetricSnapshotService Service(StoreHost host, IMetricWriter writer) =>
        new(host.Get<IDbContextFactory<CommandCenterDbContext>>(), host.Get<ReferenceData>(), writer, host.Time);

    private sealed class RecordingWriter : IMetricWriter
    {
        public List<MetricPoint> Written { get; } = [];

        public MetricLag Lag => new(0, 0, null, null);

        public void Write(MetricPoint point) => Written.Add(point);
    }
}
