using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Web.Components.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Console;

/// <summary>
/// Dispatching from the console: the teams working the alert with their next steps (en route, on scene, returning,
/// released), and the teams that could go — those that can go now, the alert's own community first, the nearest —
/// to tick and send. Every step goes through <see cref="DispatchService"/>, which checks jurisdiction again.
/// </summary>
public sealed partial class DispatchPanel : ComponentBase
{
    private const int FirstShown = 8;
    private static readonly AlertState[] Dispatchable = [AlertState.Acknowledged, AlertState.Dispatched, AlertState.Handling, AlertState.Rework];

    private static readonly TeamStatus[] StepOrder = [TeamStatus.EnRoute, TeamStatus.OnScene, TeamStatus.Returning, TeamStatus.Available];

    private readonly HashSet<string> _chosen = new(StringComparer.Ordinal);
    private IReadOnlyList<DispatchCandidate> _candidates = [];
    private List<Team> _deployed = [];
    private (Guid AlertId, int Revision)? _loaded;
    private int _shown = FirstShown;
    private bool _busy;

    [Parameter, EditorRequired] public required Alert Alert { get; set; }

    [Parameter, EditorRequired] public required Operator Operator { get; set; }

    /// <summary>Bumped by the page whenever it reloads, so the panel reads the teams again only then (not on every clock tick).</summary>
    [Parameter] public int Revision { get; set; }

    [Parameter] public DateTimeOffset Now { get; set; }

    [Parameter] public string? Comment { get; set; }

    /// <summary>Called with a message (and whether it is an error) after each step, so the page can say it and reload.</summary>
    [Parameter] public EventCallback<(string Message, bool IsError)> OnDone { get; set; }

    [Inject] public required DispatchService Dispatch { get; set; }

    [Inject] public required IDbContextFactory<CommandCenterDbContext> Contexts { get; set; }

    [Inject] public required IStringLocalizer<UiText> T { get; set; }

    private bool CanDispatch => Dispatchable.Contains(Alert.State) && AlertActions.Available(AlertState.Acknowledged, Operator.Role).Contains(AlertAction.Dispatch);

    private IEnumerable<DispatchCandidate> VisibleCandidates => _candidates.Take(_shown);

    private IReadOnlyList<Team> MapTeams => [.. _deployed, .. _candidates.Where(c => c.CanDispatch).Take(3).Select(c => c.Team)];

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded == (Alert.Id, Revision))
        {
            return;
        }

        if (_loaded?.AlertId != Alert.Id)
        {
            _chosen.Clear();
            _shown = FirstShown;
        }

        _loaded = (Alert.Id, Revision);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        await using var db = await Contexts.CreateDbContextAsync();
        var alertId = Alert.Id;
        _deployed = await db.Teams.AsNoTracking().Where(t => t.CurrentAlertId == alertId).OrderBy(t => t.Code).ToListAsync();
        try
        {
            _candidates = CanDispatch && await Dispatch.CandidatesAsync(Alert.Id, Operator) is { } found
                ? [.. found.Candidates.Where(c => c.Team.CurrentAlertId != Alert.Id)]
                : [];
        }
        catch (WorkflowDeniedException)
        {
            _candidates = [];
        }

        _chosen.IntersectWith(_candidates.Where(c => c.CanDispatch).Select(c => c.Team.Code));
    }

    /// <summary>The steps a deployed team can take, forward ones first and "released" last.</summary>
    private static IEnumerable<TeamStatus> NextSteps(TeamStatus status) =>
        StepOrder.Where(next => TeamStatusRules.CanMove(status, next));

    private void Toggle(string teamCode)
    {
        if (!_chosen.Remove(teamCode))
        {
            _chosen.Add(teamCode);
        }
    }

    private async Task DispatchAsync()
    {
        await RunAsync(async () =>
        {
            var outcome = await Dispatch.DispatchAsync(Alert.Id, [.. _chosen], Operator, Comment);
            _chosen.Clear();
            var failed = outcome?.Teams.Where(t => !t.Sent).ToList() ?? [];
            var sent = (outcome?.Teams.Count ?? 0) - failed.Count;
            return (T["Dispatch_Sent", sent, failed.Count] + string.Concat(failed.Select(f => $" {f.TeamCode}: {f.Reason}")), failed.Count > 0);
        });
    }

    private async Task MoveAsync(string teamCode, TeamStatus next)
    {
        await RunAsync(async () =>
        {
            var team = await Dispatch.UpdateDeploymentAsync(Alert.Id, teamCode, next, Operator, Comment);
            return (T["Dispatch_Moved", team?.Name ?? teamCode, T.Name(next)], false);
        });
    }

    private async Task RunAsync(Func<Task<(string Message, bool IsError)>> step)
    {
        _busy = true;
        (string Message, bool IsError) result;
        try
        {
            result = await step();
        }
        catch (Exception ex) when (ex is DomainRuleException or WorkflowDeniedException or AlertConflictException)
        {
            result = (ex.Message, true);
        }
        finally
        {
            _busy = false;
        }

        await LoadAsync();
        await OnDone.InvokeAsync(result);
    }

    private string Distance(double? meters) => meters switch
    {
        null => "",
        < 1000 => T["Dispatch_Meters", Math.Round(meters.Value).ToString(CultureInfo.InvariantCulture)],
        _ => T["Dispatch_Kilometers", (meters.Value / 1000).ToString("0.0", CultureInfo.InvariantCulture)],
    };
}
