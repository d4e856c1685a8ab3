using System.Globalization;
using Bunit;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Metrics;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Simulation;
using CommandCenter.Testing;
using CommandCenter.Web.Wall;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace CommandCenter.Web.Tests.Wall;

/// <summary>
/// bUnit host for wall components: Chinese UI, MudBlazor, a <see cref="FakeTimeProvider"/>, a <see cref="ManualFeed"/>
/// and a real SQLite store with the demo city (for the page, which loads its first view from the store).
/// </summary>
public abstract class WallTestContext : BunitContext, IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly CultureInfo _culture = CultureInfo.CurrentUICulture;
    private StoreHost? _store;

    protected WallTestContext()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options => options.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton(new TeamStatusThresholds());
        Services.AddSingleton<ILiveFeed>(Feed);
        Services.AddSingleton(new Infrastructure.Feed.FeedLink());
        Services.AddSingleton(Options.Create(new SimulatorOptions { Enabled = true }));
        SignedInAs("330188", "DutyOfficer");
    }

    /// <summary>The wall's viewer: a user with <paramref name="role"/> bound to <paramref name="nodeCode"/>.</summary>
    protected void SignedInAs(string nodeCode, string role)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("值班员");
        auth.SetRoles(role);
        auth.SetClaims(
            new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, $"user-{nodeCode}"),
            new System.Security.Claims.Claim(CommandCenter.Web.Access.AccessPolicies.NodeClaim, nodeCode));
    }

    protected FakeTimeProvider Time { get; } = new(StoreHost.Start);

    protected ManualFeed Feed { get; } = new();

    protected ReferenceData Reference => Store.Get<ReferenceData>();

    /// <summary>The store's own services (ingestion, workflow), publishing on <see cref="Feed"/>.</summary>
    protected StoreHost Store => _store ?? throw new InvalidOperationException("Call UseStoreAsync first.");

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _dir.Dispose();
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = _culture;
    }

    /// <summary>
    /// Starts the store and registers what the wall page needs from it, the embedded metric store included (empty,
    /// and caught up, until a test records into it). A test registers its own metric reader or writer after this.
    /// </summary>
    protected async Task UseStoreAsync(IDictionary<string, string?>? settings = null)
    {
        _store = await StoreHost.StartAsync(_dir.Path, Time, Feed, settings);
        Services.AddSingleton(_store.Get<ReferenceData>());
        Services.AddSingleton(_store.Get<IDbContextFactory<CommandCenterDbContext>>());
        Services.AddSingleton(_store.Get<GridActivityService>());
        Services.AddSingleton(_store.Get<IMetricReader>());
        Services.AddSingleton(_store.Get<IMetricWriter>());
        Services.AddSingleton<MetricTrendReader>();
        Services.AddSingleton<IWallSnapshotSource, StoreWallSnapshotSource>();
        Services.AddSingleton<WallStateRegistry>();
        Services.AddSingleton<WallGeometry>();
        Services.AddSingleton(_store.Get<Core.Duty.IDutyDirectory>());
        Services.AddSingleton(_store.Get<Infrastructure.Duty.DutyRosterAdministration>());
    }

    /// <summary>
    /// Until disposed, every feed message is stored in the embedded metric store as the points the app's recorder
    /// makes of it — at once, where the app's writer holds points up to a second before they can be read.
    /// </summary>
    protected IDisposable RecordMetrics() => Feed.Subscribe((message, ct) => new ValueTask(StorePointsAsync(FeedMetricsRecorder.ToPoints(message, DemoCity.Categories()), ct)));

    /// <summary>Puts points straight into the embedded metric store, as if the writer had stored them.</summary>
    protected Task StorePointsAsync(IEnumerable<MetricPoint> points, CancellationToken ct = default) =>
        Store.Get<IMetricBatchTarget>().AppendAsync([.. points], ct);

    protected AlertChanged Raised(string gridCode, Severity severity = Severity.General, string category = "0301", int repeat = 0, Guid? id = null, AlertChange change = AlertChange.Raised)
    {
        var map = DemoCity.Map();
        var now = Time.GetUtcNow();
        return new AlertChanged(map.PathOf(gridCode), now, change, id ?? Guid.NewGuid(), AlertState.Reported, change == AlertChange.Raised ? null : AlertState.Reported,
            category, severity, "楼道堆物", AlertSource.GridWorker, null, null, repeat, now, now, false, repeat + 1);
    }

    protected static NodePath PathOf(string code) => DemoCity.Map().PathOf(code);
}
