using System.Globalization;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Admin;

/// <summary>
/// Teams and their members for an administrator: the teams of their node (a town's administrator: that town), to
/// filter, create, edit and retire. Every change goes through <see cref="TeamAdministration"/>, which checks the
/// administrator's reach and the input again and says what is wrong, field by field.
/// </summary>
public sealed partial class TeamsAdmin : ComponentBase
{
    private Operator? _operator;
    private IReadOnlyList<Team> _teams = [];
    private IReadOnlyList<AdminNode> _filterNodes = [];
    private string _nodeFilter = "";
    private TeamType? _typeFilter;
    private string _text = "";
    private bool _includeRetired;
    private TeamForm? _form;
    private string? _editing;
    private IReadOnlyList<SetupProblem> _problems = [];
    private string? _message;
    private bool _messageIsError;
    private string? _confirmRetire;
    private bool _busy;
    private bool _interactive;

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required TeamAdministration Teams { get; set; }

    [Inject] public required ReferenceData Reference { get; set; }

    [Inject] public required IStringLocalizer<SetupText> S { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _operator = Authentication is null ? null : (await Authentication).User.ToOperator();
        if (_operator is null || !Reference.HasCity)
        {
            _operator = null;
            return;
        }

        // The towns and communities a filter can narrow to; grids are too many for a list and rarely hold a team.
        var map = Reference.Map;
        _filterNodes = [.. map.Nodes
            .Where(n => n.Level is NodeLevel.Town or NodeLevel.Community && Teams.CanManage(_operator, n.Code))
            .OrderBy(n => n.Code, StringComparer.Ordinal)];
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private async Task LoadAsync() =>
        _teams = await Teams.ListAsync(_operator!, new TeamQuery(_nodeFilter, _typeFilter, _text, _includeRetired));

    private async Task OnNodeFilterAsync(string value)
    {
        _nodeFilter = value ?? "";
        await LoadAsync();
    }

    private async Task OnTypeFilterAsync(TeamType? value)
    {
        _typeFilter = value;
        await LoadAsync();
    }

    private async Task OnTextFilterAsync(string value)
    {
        _text = value ?? "";
        await LoadAsync();
    }

    private async Task OnIncludeRetiredAsync(bool value)
    {
        _includeRetired = value;
        await LoadAsync();
    }

    private async Task OpenCreateAsync()
    {
        _form = new TeamForm { Code = await Teams.SuggestCodeAsync(), Members = [new MemberForm()] };
        _editing = null;
        _problems = [];
        _message = null;
    }

    private void OpenEdit(Team team)
    {
        _form = TeamForm.From(team);
        _editing = team.Code;
        _problems = [];
        _message = null;
    }

    private void CloseForm()
    {
        _form = null;
        _editing = null;
        _problems = [];
    }

    private void OnNodeChanged(string? code) => _form!.NodeCode = code;

    private void OnPicked(GeoPoint point) => (_form!.Latitude, _form.Longitude) = (point.Latitude, point.Longitude);

    private async Task SaveAsync()
    {
        var form = _form!;
        if (form.HalfAPosition)
        {
            _problems = [new SetupProblem("position", "Problem_Team_PositionIncomplete")];
            return;
        }

        _busy = true;
        try
        {
            var result = _editing is null
                ? await Teams.CreateAsync(form.ToDraft(), _operator!)
                : await Teams.EditAsync(_editing, form.ToDraft(), _operator!);
            if (result.Value is { } team)
            {
                Say(S[_editing is null ? "Team_Created" : "Team_Saved", team.Name, team.Code], error: false);
                CloseForm();
                await LoadAsync();
            }
            else
            {
                _problems = result.Problems;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RetireAsync(string code)
    {
        _confirmRetire = null;
        var result = await Teams.RetireAsync(code, _operator!);
        if (result.Value is { } team)
        {
            Say(S["Team_Retired", team.Name, team.Code], error: false);
            if (_editing == code)
            {
                CloseForm();
            }
        }
        else
        {
            Say(string.Join(" ", result.Problems.Select(Text)), error: true);
        }

        await LoadAsync();
    }

    /// <summary>Home nodes to choose from: those within reach whose name or code contains the typed text, towns first.</summary>
    private Task<IEnumerable<string>> SearchNodesAsync(string? text, CancellationToken ct)
    {
        var typed = text?.Trim() ?? "";
        IEnumerable<string> found = Reference.Map.Nodes
            .Where(n => Teams.CanManage(_operator!, n.Code)
                && (typed.Length == 0 || n.Name.Contains(typed, StringComparison.OrdinalIgnoreCase) || n.Code.StartsWith(typed, StringComparison.Ordinal)))
            .OrderBy(n => n.Level)
            .ThenBy(n => n.Code, StringComparer.Ordinal)
            .Select(n => n.Code);
        return Task.FromResult(found);
    }

    private string NodeLabel(string? code) =>
        string.IsNullOrEmpty(code) ? "" : Reference.Map.Find(code) is { } node ? $"{node.Name} ({node.Code})" : code;

    private string NodeName(string code) => Reference.Map.Find(code)?.Name ?? code;

    private string? LevelHelp(string? code) =>
        Reference.Map.Find(code ?? "") is { } node ? S["Team_LevelFromNode", Name(node.Level)] : S["Team_NodeHelp"];

    private void Say(string message, bool error) => (_message, _messageIsError) = (message, error);

    private bool Has(string field) => _problems.Any(p => p.Field == field);

    private static string Text(SetupProblem problem) => SetupTexts.Text(problem, CultureInfo.CurrentUICulture);

    private static string Name(Enum value) => SetupTexts.Name(value, CultureInfo.CurrentUICulture);
}
