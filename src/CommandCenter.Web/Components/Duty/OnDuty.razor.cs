using CommandCenter.Core.Duty;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure;
using CommandCenter.Web.Wall;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Components.Duty;

/// <summary>
/// Who is on duty at a node now (值班 and 带班, with phones), or 值班空缺 when nobody is: no roster, a gap between
/// shifts, or a shift that nobody holds. It looks again when the shift changes (a timer set to the next shift edge
/// through <see cref="TimeProvider"/>) and when the node's roster is edited (<see cref="DutyRosterChanged"/> on the
/// feed); both go through one throttle, and everything is disposed with the component.
/// </summary>
public sealed partial class OnDuty : ComponentBase, IDisposable
{
    /// <summary>Edits arriving together (an import of many rosters) make one read, not one each.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private string? _subscribedTo;
    private IReadOnlyList<string> _watched = [];
    private IDisposable? _subscription;
    private RenderThrottle? _throttle;
    private ITimer? _shiftChange;
    private DutyRoster? _roster;
    private string? _rosterNode;
    private DutyWatch? _watch;
    private IReadOnlyList<string> _townGaps = [];
    private IReadOnlyList<string> _towns = [];

    [Parameter, EditorRequired] public required string NodeCode { get; set; }

    /// <summary>A node that keeps no roster shows the nearest one above it (a grid's staff see their community's, or town's).</summary>
    [Parameter] public bool FallBackToAncestors { get; set; }

    /// <summary>Also name the towns where nobody is on duty now (the city wall: a town's gap is the city's concern).</summary>
    [Parameter] public bool ShowTownGaps { get; set; }

    [Parameter] public string? Class { get; set; }

    [Parameter] public RenderFragment? ChildContent { get; set; }

    [Inject] public required IDutyDirectory Directory { get; set; }

    [Inject] public required ILiveFeed Feed { get; set; }

    [Inject] public required ReferenceData Reference { get; set; }

    [Inject] public required TimeProvider Time { get; set; }

    /// <summary>The watch being shown (null: nobody on duty and no shift running).</summary>
    internal DutyWatch? Watch => _watch;

    private bool IsGap => _watch is null or { IsUnmanned: true };

    protected override async Task OnParametersSetAsync()
    {
        if (_subscribedTo == NodeCode)
        {
            return;
        }

        Stop();
        _subscribedTo = NodeCode;
        _watched = FallBackToAncestors && Reference.HasCity && Reference.Map.Contains(NodeCode)
            ? [NodeCode, .. Reference.Map.PathOf(NodeCode).Codes().Where(c => c != NodeCode).Reverse()]
            : [NodeCode];
        var towns = ShowTownGaps && Reference.HasCity ? Reference.Map.Towns.Select(t => t.Code).ToList() : [];
        var throttle = _throttle = new RenderThrottle(Time, RefreshInterval, RefreshAsync);
        _shiftChange = Time.CreateTimer(_ => throttle.Request(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var watched = _watched;
        _subscription = Feed.Subscribe((message, _) =>
        {
            if (message is DutyRosterChanged changed && (watched.Contains(changed.NodeCode) || towns.Contains(changed.NodeCode)))
            {
                throttle.Request();
            }

            return ValueTask.CompletedTask;
        });
        _towns = towns;
        await LoadAsync();
    }

    public void Dispose() => Stop();

    private async Task LoadAsync()
    {
        (_roster, _rosterNode) = (null, null);
        foreach (var code in _watched)
        {
            if (await Directory.RosterOfAsync(code, CancellationToken.None) is { } roster)
            {
                (_roster, _rosterNode) = (roster, code);
                break;
            }
        }

        var now = Time.GetUtcNow();
        _watch = _roster?.At(now);
        var next = _roster?.NextChangeAfter(now);
        var gaps = new List<string>();
        foreach (var town in _towns)
        {
            var roster = await Directory.RosterOfAsync(town, CancellationToken.None);
            if (roster?.At(now) is not { IsUnmanned: false })
            {
                gaps.Add(Reference.Map.Find(town)?.Name ?? town);
            }

            if (roster?.NextChangeAfter(now) is { } edge && (next is null || edge < next))
            {
                next = edge;
            }
        }

        _townGaps = gaps;

        // Wake at the next shift edge; with no roster only an edit can change what is shown.
        if (next is { } wake)
        {
            _shiftChange?.Change(wake - now, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A failed read must fail the circuit visibly, never leave a wall showing yesterday's crew.</summary>
    private async Task RefreshAsync()
    {
        try
        {
            await InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            });
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }

    private void Stop()
    {
        _subscription?.Dispose();
        _shiftChange?.Dispose();
        _throttle?.Dispose();
        (_subscription, _shiftChange, _throttle) = (null, null, null);
    }
}
