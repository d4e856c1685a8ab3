using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommandCenter.Infrastructure.Tests.Wall;

/// <summary>
/// A wall scope is counted twice — loaded from the store (<see cref="StoreWallSnapshotSource"/>) and folded from the
/// feed (<see cref="WallProjection"/>) — and the two must agree, or a resync would move the wall's numbers. Each case
/// runs a generated day of reports, staff actions, escalations and late-report charges through the real services,
/// then compares the view loaded from the store with the view folded from what the services published.
/// </summary>
public sealed class WallProjectionTests
{
    private const string City = "330188";
    private static readonly string Town = DemoCity.TownCode(0);
    private static readonly Operator DutyOfficer = new("u-duty", "王值班", Role.DutyOfficer, City);
    private static readonly Operator Checker = new("u-check", "李核查", Role.Staff, City);
    private static readonly Severity[] Severities = Enum.GetValues<Severity>();

    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 6));

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task LoadFromTheStore_AfterGeneratedEvents_EqualsFoldingThem(int seed)
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();

        // The metric store cannot answer, so the whole trend comes from the operational store, as the fold's does.
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed,
            configure: services => services.Replace(ServiceDescriptor.Singleton<IMetricReader>(new FailingMetricReader())));
        var reference = host.Get<ReferenceData>();
        var source = host.Get<IWallSnapshotSource>();
        string[] scopes = [City, Town];
        var folded = new Dictionary<string, WallProjection>();
        foreach (var scope in scopes)
        {
            var projection = new WallProjection(reference.Map.Find(scope)!, reference, host.Time.GetUtcNow());
            projection.Load(await source.LoadAsync(reference.Map.Find(scope)!, CancellationToken.None));
            folded[scope] = projection;
        }

        await RunGeneratedDayAsync(host, new Random(seed));
        var published = feed.Published.ToList();
        var changes = published.OfType<AlertChanged>().ToList();
        Assert.Contains(changes, m => m.Change == AlertChange.Escalated); // the day reached every kind of change
        Assert.Contains(changes, m => m.Change == AlertChange.RepeatMerged);
        Assert.Contains(changes, m => !AlertRules.IsOpen(m.State));

        var now = host.Time.GetUtcNow();
        foreach (var scope in scopes)
        {
            var projection = folded[scope];
            foreach (var message in published)
            {
                projection.Apply(message, message.At);
            }

            var loaded = new WallProjection(reference.Map.Find(scope)!, reference, now);
            loaded.Load(await source.LoadAsync(reference.Map.Find(scope)!, CancellationToken.None));
            AssertSameView(WallViewBuilder.Build(loaded, reference, now, null, 0), WallViewBuilder.Build(projection, reference, now, null, 0));
        }
    }

    private static void AssertSameView(WallView loaded, WallView folded)
    {
        Assert.Equal(loaded.Kpis, folded.Kpis);
        Assert.Equal(loaded.RecentAlerts, folded.RecentAlerts);
        Assert.Equal(loaded.Petitions, folded.Petitions);
        Assert.Equal(loaded.Teams, folded.Teams);
        Assert.Equal(loaded.Ranking, folded.Ranking);
        Assert.Equal(loaded.OpenByGrid.OrderBy(g => g.Key), folded.OpenByGrid.OrderBy(g => g.Key));
        Assert.Equal(loaded.Markers.OrderBy(m => m.AlertId), folded.Markers.OrderBy(m => m.AlertId));
        Assert.Equal(loaded.Overdue, folded.Overdue);
        Assert.Equal(loaded.SilentGrids.Order(), folded.SilentGrids.Order());
        Assert.Equal(loaded.LateReportsTodayByGrid.OrderBy(g => g.Key), folded.LateReportsTodayByGrid.OrderBy(g => g.Key));

        // The trend counts an alert at the severity it was raised with; the operational store knows only its current
        // one (a graver repeat moves it there), so the store's fallback agrees on each bucket's total.
        Assert.Equal(loaded.Trend.Select(b => (b.Start, b.Total)), folded.Trend.Select(b => (b.Start, b.Total)));
        Assert.NotEqual(0, loaded.Kpis.ReportsToday);
    }

    /// <summary>Forty steps over a few hours of one day.</summary>
    private static async Task RunGeneratedDayAsync(StoreHost host, Random random)
    {
        var ingestion = host.Get<AlertIngestionService>();
        var workflow = host.Get<AlertWorkflowService>();
        var grids = new[] { DemoCity.GridCode(0, 0, 1), DemoCity.GridCode(0, 1, 2), DemoCity.GridCode(0, 2, 3), DemoCity.GridCode(1, 0, 1), DemoCity.GridCode(3, 1, 4) };
        for (var step = 0; step < 40; step++)
        {
            var now = host.Time.GetUtcNow();
            switch (random.Next(10))
            {
                case < 4:
                    // A report; a third of them late (occurred hours ago), many in the same grid and category, so repeats merge.
                    var occurred = random.Next(3) == 0 ? now.AddHours(-6) : now.AddMinutes(-2);
                    await ingestion.IngestAsync(
                        new NewAlertReport(AlertSource.Hotline, $"gen-{step}", random.Next(2) == 0 ? "0101" : "0301", Severities[random.Next(Severities.Length)],
                            grids[random.Next(grids.Length)], null, occurred, $"事件{step}"),
                        Actor.System("api:hotline"));
                    break;
                case < 8:
                    await ActOnAnOpenAlertAsync(host, workflow, random);
                    break;
                default:
                    // Time passes: deadlines fall due and the jobs run.
                    host.Time.Advance(TimeSpan.FromMinutes(random.Next(5, 45)));
                    await host.Get<EscalationService>().EscalateDueAsync();
                    await host.Get<LateReportService>().ChargeDueAsync();
                    break;
            }

            host.Time.Advance(TimeSpan.FromSeconds(random.Next(1, 90)));
        }

        // A last report and its graver repeat, then long enough for every open stage to fall due once more and the jobs to see it.
        foreach (var (externalId, severity) in new[] { ("gen-last", Severity.Major), ("gen-last-again", Severity.Critical) })
        {
            await ingestion.IngestAsync(
                new NewAlertReport(AlertSource.Hotline, externalId, "0402", severity, grids[0], null, host.Time.GetUtcNow(), "最后一件"),
                Actor.System("api:hotline"));
        }

        host.Time.Advance(TimeSpan.FromHours(2));
        await host.Get<EscalationService>().EscalateDueAsync();
        await host.Get<LateReportService>().ChargeDueAsync();
    }

    private static async Task ActOnAnOpenAlertAsync(StoreHost host, AlertWorkflowService workflow, Random random)
    {
        await using var db = host.NewDbContext();
        var open = await db.Alerts.AsNoTracking().WhereOpen().OrderBy(a => a.ReportedAt).ThenBy(a => a.Id).ToListAsync();
        if (open.Count == 0)
        {
            return;
        }

        var alert = open[random.Next(open.Count)];
        var actions = AlertActions.Available(alert.State, Role.DutyOfficer).ToList();
        var action = actions[random.Next(actions.Count)];
        var by = action is AlertAction.Verify or AlertAction.SendBack ? Checker : DutyOfficer;
        await workflow.ApplyAsync(alert.Id, action, by, action == AlertAction.Resolve ? "已处理" : null);
    }
}
