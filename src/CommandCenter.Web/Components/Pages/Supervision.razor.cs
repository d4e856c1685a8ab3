using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Supervision;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Supervision;
using CommandCenter.Web.Access;
using CommandCenter.Web.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages;

/// <summary>
/// 督查考核 for leaders: the towns (or communities) under my node scored over a period, with the red and black lists
/// and the formulas on the page. Periods are whole days of the city's calendar.
/// </summary>
public sealed partial class Supervision : ComponentBase
{
    private static readonly string[] Presets = ["Today", "Last7Days", "ThisMonth", "LastMonth"];
    private static readonly string[] FormulaKeys =
        ["Sup_F_Ack", "Sup_F_Closure", "Sup_F_OnTime", "Sup_F_Rework", "Sup_F_Accurate", "Sup_F_Late", "Sup_F_Missed", "Sup_F_Valid", "Sup_F_Score"];

    private AdminNode? _scope;
    private SupervisionReport? _report;
    private string? _error;
    private string? _preset = "ThisMonth";
    private bool _interactive;

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required SupervisionService Service { get; set; }

    [Inject] public required ReferenceData Reference { get; set; }

    [Inject] public required TimeProvider Time { get; set; }

    [Inject] public required IStringLocalizer<UiText> T { get; set; }

    private DateOnly FromDate { get; set; }

    /// <summary>The last day of the period, inclusive.</summary>
    private DateOnly ToDate { get; set; }

    private NodeLevel Level { get; set; } = NodeLevel.Town;

    protected override async Task OnInitializedAsync()
    {
        if (!Reference.HasCity)
        {
            return;
        }

        var user = Authentication is null ? null : (await Authentication).User.ToOperator();
        _scope = user is null ? null : Reference.Map.Find(user.NodeCode);
        if (_scope is null)
        {
            return;
        }

        Level = _scope.Level == NodeLevel.City ? NodeLevel.Town : NodeLevel.Community;
        await UsePresetAsync("ThisMonth");
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private async Task UsePresetAsync(string preset)
    {
        var today = DateOnly.FromDateTime(CityClock.Local(Time.GetUtcNow()).DateTime);
        var firstOfMonth = new DateOnly(today.Year, today.Month, 1);
        (FromDate, ToDate) = preset switch
        {
            "Today" => (today, today),
            "Last7Days" => (today.AddDays(-6), today),
            "LastMonth" => (firstOfMonth.AddMonths(-1), firstOfMonth.AddDays(-1)),
            _ => (firstOfMonth, today),
        };
        _preset = preset;
        await LoadAsync();
    }

    private async Task CustomAsync()
    {
        _preset = null;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        if (_scope is null)
        {
            return;
        }

        var from = new DateTimeOffset(FromDate.ToDateTime(TimeOnly.MinValue), CityClock.Offset);
        var to = new DateTimeOffset(ToDate.AddDays(1).ToDateTime(TimeOnly.MinValue), CityClock.Offset);
        try
        {
            _report = await Service.ReportAsync(_scope.Code, Level, from, to);
            _error = null;
        }
        catch (DomainRuleException)
        {
            _error = T["Sup_BadPeriod"];
        }
    }

    private string Name(string code) => Reference.Map.Find(code)?.Name ?? code;

    private static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %" : "—";

    private static string Score(Scorecard card) => card.Score is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "—";
}
