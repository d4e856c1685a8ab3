using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Simulation;
using CommandCenter.Web.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Components.Pages;

/// <summary>
/// The big screen for one scope: the city at <c>/wall</c>, a town at <c>/wall/{townCode}</c>. It renders a shared
/// <see cref="WallScopeState"/>'s view through a throttle — many changes, one render every
/// <see cref="RenderInterval"/> at most — and a one-second clock keeps ages and the data-age indicator moving.
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

    [Parameter] public string? TownCode { get; set; }

    /// <summary><c>?kiosk=1</c> hides everything that is not data, the cursor included.</summary>
    [SupplyParameterFromQuery(Name = "kiosk")] public string? Kiosk { get; set; }

    [Inject] public required WallStateRegistry Registry { get; set; }

    [Inject] public required WallGeometry Geometry { get; set; }

    [Inject] public required ReferenceData Reference { get; set; }

    [Inject] public required TimeProvider Time { get; set; }

    [Inject] public required IOptions<SimulatorOptions> Simulator { get; set; }

    [Inject] public required IStringLocalizer<UiText> T { get; set; }

    /// <summary>How many throttled renders ran: tests check that a burst coalesced.</summary>
    internal int ThrottledRenders => _throttle?.RenderCount ?? 0;

    private bool IsKiosk => Kiosk is "1" or "true";

    private bool DemoData => Simulator.Value.Enabled;

    protected override async Task OnParametersSetAsync()
    {
        var scope = TownCode ?? Reference.Map.City.Code;
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
        _throttle = new RenderThrottle(Time, RenderInterval, () => InvokeAsync(Refresh));
        _subscription = _state.OnChange(_throttle.Request);
        _clock = Time.CreateTimer(_ => _throttle.Request(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        Take();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            // Marks the page as live for tests and scripts: events now reach this circuit.
            _interactive = true;
            StateHasChanged();
        }
    }

    public void Dispose() => Unsubscribe();

    private void Refresh()
    {
        Take();
        StateHasChanged();
    }

    private void Take()
    {
        _now = Time.GetUtcNow();
        _view = _state?.View();
    }

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
