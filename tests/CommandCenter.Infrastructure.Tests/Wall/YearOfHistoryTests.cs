using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Wall;

/// <summary>
/// A 12,000-grid city with a year of history in its store (closed alerts with their reports and audit trails, the
/// last two weeks' partly open): the wall loads exactly the open alerts the history left, per grid and in its KPIs,
/// for the city and for a town — the year behind them neither counted nor in the way.
/// </summary>
public sealed class YearOfHistoryTests(YearOfHistoryTests.Store store) : IClassFixture<YearOfHistoryTests.Store>
{
    private const int Alerts = 30_000;

    private StoreHost Host => store.Host;

    private History.Written Written => store.Written;

    /// <summary>The large city and its year, written once for the class (the import and the writing take seconds).</summary>
    public sealed class Store : IAsyncLifetime
    {
        private readonly TempDirectory _dir = new();

        public StoreHost Host { get; private set; } = null!;

        public History.Written Written { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Host = await StoreHost.StartAsync(_dir.Path, seedDir: GeneratedCity.SeedDir(CitySize.Large));
            Written = await History.WriteAsync(
                Host.Get<IDbContextFactory<CommandCenterDbContext>>(), Host.Get<ReferenceData>(), Alerts, Host.Time.GetUtcNow(), TimeSpan.FromDays(365));
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task TheStore_HoldsTheYearAsWritten()
    {
        await using var db = Host.NewDbContext();

        Assert.Equal(Alerts, await db.Alerts.CountAsync());
        Assert.Equal(Alerts, await db.AlertReports.CountAsync());
        Assert.Equal(Written.AuditEntries, await db.AuditEntries.ExceptSetUp().CountAsync());
        Assert.InRange(Written.Open.Count, 100, 1_000); // about 30 % of two weeks' 1,150
        Assert.Equal(Written.Open.Count, await db.Alerts.WhereOpen().CountAsync());
    }

    [Fact]
    public async Task CityWall_LoadsEveryOpenAlertOfTheYearAndNoOther()
    {
        var view = await LoadAsync("330188");

        Assert.Equal(Written.Open.Count, view.Kpis.Open);
        Assert.Equal(Written.Open.Count(a => a.State == AlertState.Reported), view.Kpis.Unacknowledged);
        Assert.Equal(
            Written.Open.GroupBy(a => a.GridCode).ToDictionary(g => g.Key, g => g.Count()).OrderBy(x => x.Key, StringComparer.Ordinal),
            view.OpenByGrid.OrderBy(x => x.Key, StringComparer.Ordinal));
        Assert.Equal(30, view.Ranking.Count);
        Assert.Equal(Written.Open.Count, view.Ranking.Sum(r => r.OpenAlerts));
    }

    [Fact]
    public async Task TownWall_LoadsItsOwnOpenAlerts()
    {
        var town = Written.Open.GroupBy(a => a.TownCode).MaxBy(g => g.Count())!;

        var view = await LoadAsync(town.Key);

        Assert.Equal(town.Count(), view.Kpis.Open);
        Assert.Equal(town.Select(a => a.GridCode).Distinct().Order(StringComparer.Ordinal), view.OpenByGrid.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(20, view.Ranking.Count); // its communities
    }

    private async Task<WallView> LoadAsync(string scopeCode)
    {
        var reference = Host.Get<ReferenceData>();
        var scope = reference.Map.Find(scopeCode)!;
        var now = Host.Time.GetUtcNow();
        var projection = new WallProjection(scope, reference, now);
        projection.Load(await Host.Get<IWallSnapshotSource>().LoadAsync(scope, CancellationToken.None));
        return WallViewBuilder.Build(projection, reference, now, null, 0);
    }
}
