using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Duty;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Duty;
using CommandCenter.Web.Access;
using CommandCenter.Web.Components.Admin;
using CommandCenter.Web.Duty;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages.Admin;

/// <summary>
/// 值班表: a node's shifts, its rotation (the crew of each shift on each day of the cycle) and its swaps, with who is
/// on duty now and for the next week, and an import of whole rosters from a sheet. Administrators reach the nodes of
/// their subtree, duty officers their own; <see cref="DutyRosterAdministration"/> checks both again on each change.
/// </summary>
public sealed partial class DutyAdmin : ComponentBase
{
    public const int WeekDays = 7;

    private Operator? _operator;
    private IReadOnlyList<AdminNode> _nodes = [];
    private string _nodeCode = "";
    private DutyRosterState? _state;
    private DutyRosterForm _form = DutyRosterForm.Empty(default);
    private IReadOnlyList<DutyWatch> _schedule = [];
    private IReadOnlyList<SetupProblem> _problems = [];
    private IReadOnlyList<DutySheetProblem> _importProblems = [];
    private DateTimeOffset _now;
    private string? _message;
    private bool _messageIsError;
    private bool _confirmDelete;
    private bool _busy;
    private bool _interactive;
    private DateOnly _swapDay;
    private string _swapShift = "";
    private string _swapReplaced = "";
    private string _swapBy = "";

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required DutyRosterAdministration Rosters { get; set; }

    [Inject] public required ReferenceData Reference { get; set; }

    [Inject] public required TimeProvider Time { get; set; }

    [Inject] public required IStringLocalizer<SetupText> S { get; set; }

    [Inject] public required ILogger<DutyAdmin> Logger { get; set; }

    private DateOnly Today => DateOnly.FromDateTime(CityClock.Local(Time.GetUtcNow()).DateTime);

    protected override async Task OnInitializedAsync()
    {
        _operator = Authentication is null ? null : (await Authentication).User.ToOperator();
        if (_operator is null || !Reference.HasCity)
        {
            _operator = null;
            return;
        }

        _nodes = Rosters.EditableBy(_operator);
        _nodeCode = _nodes.Any(n => n.Code == _operator.NodeCode) ? _operator.NodeCode : _nodes.FirstOrDefault()?.Code ?? "";
        _swapDay = Today;
        if (_nodeCode.Length > 0)
        {
            await LoadAsync();
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private async Task OnNodeChangedAsync(ChangeEventArgs e)
    {
        // Only a node offered in the list: a circuit may send any value, and a roster lists people's phones.
        if (_nodes.FirstOrDefault(n => n.Code == e.Value?.ToString()) is not { } node)
        {
            return;
        }

        _nodeCode = node.Code;
        _message = null;
        _problems = [];
        _importProblems = [];
        await LoadAsync();
    }

    private async Task ReloadAsync()
    {
        _message = null;
        _problems = [];
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _confirmDelete = false;
        _state = await Rosters.ReadAsync(_nodeCode);
        _form = _state is null ? DutyRosterForm.Empty(Today) : DutyRosterForm.From(_state.Document);
        _now = Time.GetUtcNow();

        // A swap is most often for the shift being worked: at 02:00 that is the night shift that began yesterday.
        (_swapDay, _swapShift) = _state?.Roster.At(_now) is { } watch
            ? (watch.Day, watch.Shift.Name)
            : (Today, _state?.Document.Shifts.FirstOrDefault()?.Name ?? "");
        // From yesterday: at 02:00 the night shift that began yesterday is the one being worked.
        _schedule = _state is null ? [] : DutyRosterAdministration.Schedule(_state.Roster, _now.AddDays(-1), WeekDays + 1).Where(w => w.To > _now).ToList();
    }

    private async Task SaveAsync()
    {
        var (document, problems) = _form.ToDocument(_state?.Document.Swaps ?? []);
        if (document is null)
        {
            Refused(problems);
            return;
        }

        await RunAsync(() => Rosters.SaveAsync(_nodeCode, document, _state?.Version, _operator!), "Duty_Saved");
    }

    private Task DeleteAsync() => RunAsync(() => Rosters.DeleteAsync(_nodeCode, _state!.Version, _operator!), "Duty_Deleted");

    private Task RemoveSwapAsync(int index) => RunAsync(() => Rosters.RemoveSwapAsync(_nodeCode, index, _state!.Version, _operator!), "Duty_SwapRemoved");

    private Task AddSwapAsync()
    {
        var by = DutyRosterForm.Person(_swapBy);
        var swap = new DutySwap(_swapDay, _swapShift, string.IsNullOrWhiteSpace(_swapReplaced) ? null : _swapReplaced.Trim(), by);
        return RunAsync(() => Rosters.AddSwapAsync(_nodeCode, swap, _state!.Version, _operator!), "Duty_SwapAddedDone");
    }

    private async Task RunAsync(Func<Task<SetupResult<DutyRosterState>>> change, string doneKey)
    {
        _busy = true;
        try
        {
            var result = await change();
            if (!result.Done)
            {
                Refused(result.Problems);
                return;
            }

            _problems = [];
            _swapReplaced = _swapBy = "";
            await LoadAsync();
            (_message, _messageIsError) = (S[doneKey, NodeName(_nodeCode)], false);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ImportAsync(InputFileChangeEventArgs e)
    {
        _busy = true;
        _importProblems = [];
        _message = null;
        try
        {
            if (e.File.Size > DutySheets.MaxFileBytes)
            {
                _importProblems = [new DutySheetProblem(0, new SetupProblem("", "DutySheet_TooLarge", DutySheets.MaxFileBytes / 1024 / 1024))];
                return;
            }

            using var buffer = new MemoryStream();
            await using (var upload = e.File.OpenReadStream(DutySheets.MaxFileBytes))
            {
                await upload.CopyToAsync(buffer);
            }

            var sheet = DutySheets.Read(buffer.ToArray(), e.File.Name, Rosters, Reference, _operator!, Today);
            if (sheet.Problems.Count > 0)
            {
                _importProblems = sheet.Problems;
                return;
            }

            var result = await Rosters.ImportAsync(sheet.Rosters, e.File.Name, _operator!);
            if (!result.Done)
            {
                _importProblems = [.. result.Problems.Select(p => new DutySheetProblem(0, p))];
                return;
            }

            Logger.LogInformation("Duty sheet {FileName} imported: {NodeCount} rosters", e.File.Name, sheet.Rosters.Count);
            (_message, _messageIsError) = (S["Duty_Imported", sheet.Rosters.Count, string.Join("、", sheet.Rosters.Keys.Select(NodeName))], false);
            if (!sheet.Rosters.ContainsKey(_nodeCode))
            {
                _nodeCode = sheet.Rosters.Keys.First();
            }

            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private void Refused(IReadOnlyList<SetupProblem> problems)
    {
        _problems = problems;
        (_message, _messageIsError) = (S["Duty_NotSaved"], true);
    }

    private string Template(SheetFormat format) =>
        (format == SheetFormat.Xlsx ? "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," : "data:text/csv;charset=utf-8;base64,")
        + Convert.ToBase64String(DutySheets.Template(format, _nodeCode, Today));

    /// <summary>The date the cycle day next falls on, from today: "（12-05）" beside 第 1 天.</summary>
    private string CycleDate(int index)
    {
        if (!DateOnly.TryParseExact(_form.Anchor, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var anchor) || _form.CycleDays == 0)
        {
            return "";
        }

        var length = _form.CycleDays;
        var offset = ((Today.DayNumber - anchor.DayNumber) % length + length) % length;
        var next = Today.AddDays((index - offset + length) % length);
        return $"（{next.ToString("MM-dd", CultureInfo.InvariantCulture)}）";
    }

    private string NodeName(string code) => Reference.Map.Find(code)?.Name ?? code;

    private static string Text(SetupProblem problem) => SetupTexts.Text(problem, CultureInfo.CurrentUICulture);
}
