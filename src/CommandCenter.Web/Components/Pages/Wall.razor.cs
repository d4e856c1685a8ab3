using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Simulation;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Web.Access;
using CommandCenter.Web.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Components.Pages;

/// <summary>
/// The big screen for one scope: the city at <c>/wall</c>, a town at <c>/wall/{townCode}</c>. It renders a shared
/// <see cref="WallScopeState"/>'s view through a throttle — many changes, one render every
/// <see cref="RenderInterval"/> at most — and a one-second clock keeps ages and the data-age indicator moving and
/// reads the metric writer's lag for the header's notice (once a second, however often the page renders).
/// </summary>
public sealed partial class Wall : ComponentBase, IDisposable
{
    /// <summary>At most four renders a second, however busy the city is.</summary>
    public static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(250);

    private WallScopeState? _state;
    private WallView? _view;
    private ScopeMap? _map;
    private DateTimeOffset _now;
    private RenderThrottle? _throttle;
    private IDisposable? _subscription;
    private ITimer? _clock;
    private bool _interactive;
    private bool _unknownScope;
    private bool _noAccess;
    private AdminNode? _belowWalls;
    private bool _watchingReference;
    private Core.Access.Operator? _operator;
    private long _metricsLaggingBy; // 0: no notice; written by the clock's thread, read by renders

    [Parameter] public string? TownCode { get; set; }

    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Authentication { get; set; }

    /// <summary><c>?kiosk=1</c> hides everything that is not data, the cursor included.</summary>
    [SupplyParameterFromQuery(Name = "kiosk")] public string? Kiosk { get; set; }

    [Inject] public required Infrastructure.Feed.FeedLink FeedLink { get; set; }

    [Inject] public required WallStateRegistry Registry { get; set; }

    [Inject] public required WallGeometry Geometry { get; set; }

    [Inject] public required ReferenceData Reference { get; set; }

    [Inject] public required TimeProvider Time { get; set; }

    [Inject] public required IOptions<SimulatorOptions> Simulator { get; set; }

    [Inject] public required IStringLocalizer<UiText> T { get; set; }

    [Inject] public required IMetricWriter Metrics { get; set; }

    /// <summary>How many throttled renders ran: tests check that a burst coalesced.</summary>
    internal int ThrottledRenders => _throttle?.RenderCount ?? 0;

    /// <summary>How many times the page actually rendered, whatever asked for it.</summary>
    internal int Renders { get; private set; }

    private bool IsKiosk => Kiosk is "1" or "true";

    private bool DemoData => Simulator.Value.Enabled;

    private long? MetricsLaggingBy => Volatile.Read(ref _metricsLaggingBy) is > 0 and var pending ? pending : null;

    protected override async Task OnParametersSetAsync()
    {
        if (!_watchingReference)
        {
            Reference.Changed += OnReferenceChanged;
            _watchingReference = true;
        }

        if (!Reference.HasCity)
        {
            return;
        }

        _operator = Authentication is null ? null : (await Authentication).User.ToOperator();
        // Walls show the city and its towns; a community's or a grid's people work their alerts on the console.
        _belowWalls = TownCode is null && _operator is not null && Reference.Map.Find(_operator.NodeCode) is { Level: NodeLevel.Community or NodeLevel.Grid } home
            ? home
            : null;
        var scope = TownCode ?? HomeScope();
        _noAccess = _belowWalls is not null || _operator is not null && Reference.Map.Find(scope) is not null && !Reference.Map.IsWithin(scope, _operator.NodeCode);
        if (_noAccess)
        {
            Unsubscribe();
            (_state, _view) = (null, null);
            return;
        }

        if (_state?.ScopeCode == scope)
        {
            return;
        }

        Unsubscribe();
        _state = TownCode is not null && Reference.Map.Find(TownCode) is not { Level: Core.Hierarchy.NodeLevel.Town }
            ? null
            : await Registry.GetAsync(scope);
        _unknownScope = _state is null;
        if (_state is null)
        {
            _view = null;
            return;
        }

        _map = Geometry.For(scope);
        var throttle = _throttle = new RenderThrottle(Time, RenderInterval, RefreshAsync);
        _subscription = _state.OnChange(throttle.Request);
        _clock = Time.CreateTimer(_ =>
        {
            ReadMetricsLag();
            throttle.Request();
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        ReadMetricsLag();
        Take();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        Renders++;
        if (firstRender)
        {
            // Marks the page as live for tests and scripts: events now reach this circuit.
            _interactive = true;
            StateHasChanged();
        }
    }

    public void Dispose()
    {
        Reference.Changed -= OnReferenceChanged;
        Unsubscribe();
    }

    /// <summary>
    /// A new division (the first import, a re-division) or policy: subscribe afresh, so the wall draws the new map and
    /// counts from a state loaded with it, without anyone reloading the page.
    /// </summary>
    private void OnReferenceChanged() => _ = InvokeAsync(async () =>
    {
        try
        {
            Unsubscribe();
            _state = null;
            await OnParametersSetAsync();
            StateHasChanged();
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    });

    /// <summary><c>/wall</c> shows the city to city users and their own town to everyone below.</summary>
    private string HomeScope()
    {
        if (_operator is null || _operator.NodeCode == Reference.Map.City.Code)
        {
            return Reference.Map.City.Code;
        }

        return Reference.Map.Find(_operator.NodeCode) is not null
            ? Reference.Map.PathOf(_operator.NodeCode).TownCode ?? Reference.Map.City.Code
            : Reference.Map.City.Code;
    }

    /// <summary>A failed render must fail the circuit visibly (the overlay shows), never freeze a wall that still says "live".</summary>
    private async Task RefreshAsync()
    {
        try
        {
            await InvokeAsync(() =>
            {
                Take();
                StateHasChanged();
            });
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }

    private void Take()
    {
        _now = Time.GetUtcNow();
        _view = _state?.View();
    }

    private void ReadMetricsLag() => Volatile.Write(ref _metricsLaggingBy, MetricsBehind.NoticePoints(Metrics.Lag) ?? 0);

    private void Unsubscribe()
    {
        _subscription?.Dispose();
        _clock?.Dispose();
        _throttle?.Dispose();
        _subscription = null;
        _clock = null;
        _throttle = null;
    }
}
