using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Hotspots;
using CommandCenter.Web.Access;
using CommandCenter.Web.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages;

/// <summary>
/// 热点研判 for leaders: "where is it hot, since when, and who is slow?" From the city down to a grid — click a child on
/// the map or in the ranking, the breadcrumb leads back up. Each level shows the node's map, its children ranked by
/// the hotspot score, reports against the period before (环比) and the alerts of the period, with CSV exports.
/// </summary>
public sealed partial class Hotspots : ComponentBase
{
    /// <summary>The periods a leader picks from; "custom" is any from–to.</summary>
    internal static readonly string[] Ranges = ["1h", "6h", "24h", "7d"];

    private AdminNode? _mine;
    private HotspotView? _view;
    private HotspotTrends? _trends;
    private ScopeMap? _map;
    private string? _error;
    private bool _interactive;

    [Parameter] public string? NodeCode { get; set; }

    [SupplyParameterFromQuery(Name = "range")] public string? Range { get; set; }

    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }

    [SupplyParameterFromQuery(Name = "to")] public string? To { get; set; }

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required HotspotService Service { get; set; }

    [Inject] public required HotspotTrendService Trends { get; set; }

    [Inject] public required ReferenceData Reference { get; set; }

    [Inject] public required WallGeometry Geometry { get; set; }

    [Inject] public required NavigationManager Navigation { get; set; }

    [Inject] public required TimeProvider Time { get; set; }

    [Inject] public required IStringLocalizer<UiText> T { get; set; }

    private DateTime? CustomFrom { get; set; }

    private DateTime? CustomTo { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (!Reference.HasCity)
        {
            return;
        }

        var user = Authentication is null ? null : (await Authentication).User.ToOperator();
        _mine = user is null ? null : Reference.Map.Find(user.NodeCode);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (!Reference.HasCity)
        {
            return;
        }

        if (_mine is null)
        {
            return;
        }

        var code = NodeCode ?? _mine.Code;
        if (Reference.Map.Find(code) is null || !Reference.Map.IsWithin(code, _mine.Code))
        {
            (_view, _error) = (null, T["Hot_NoAccess", Reference.Map.Find(code)?.Name ?? code]);
            return;
        }

        if (PeriodOf() is not { } period)
        {
            _error = T["Hot_BadPeriod"];
            return;
        }

        (CustomFrom, CustomTo) = (CityClock.Local(period.From).DateTime, CityClock.Local(period.To).DateTime);
        try
        {
            _view = await Service.ViewAsync(code, period.From, period.To);
            _trends = await Trends.TrendsAsync(code, period.From, period.To);
            _map = Geometry.For(code);
            _error = null;
        }
        catch (DomainRuleException)
        {
            _error = T["Hot_BadPeriod"];
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

    /// <summary>The period from the query: a preset range ending now, or a custom from–to in the city's local time.</summary>
    internal (DateTimeOffset From, DateTimeOffset To)? PeriodOf()
    {
        var now = Time.GetUtcNow();
        if (Range == "custom")
        {
            return ParseLocal(From) is { } from && ParseLocal(To) is { } to && to > from ? (from, to) : null;
        }

        var length = Range switch
        {
            "1h" => TimeSpan.FromHours(1),
            "6h" => TimeSpan.FromHours(6),
            "7d" => TimeSpan.FromDays(7),
            _ => TimeSpan.FromHours(24),
        };
        return (now - length, now);
    }

    private static DateTimeOffset? ParseLocal(string? text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), CityClock.Offset)
            : null;

    private void Open(string code) => Navigation.NavigateTo(Link(code));

    private void ApplyCustom()
    {
        if (CustomFrom is not { } from || CustomTo is not { } to || to <= from)
        {
            _error = T["Hot_BadPeriod"];
            return;
        }

        Navigation.NavigateTo(Link(_view?.Node.Code ?? NodeCode ?? _mine?.Code ?? "", "custom", from, to));
    }

    private string Link(string? code) => Link(code, Range ?? "24h", Range == "custom" ? CustomFrom : null, Range == "custom" ? CustomTo : null);

    private static string Link(string? code, string range, DateTime? from = null, DateTime? to = null)
    {
        var query = range == "custom" && from is { } f && to is { } t
            ? $"?range=custom&from={Uri.EscapeDataString(f.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(t.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture))}"
            : $"?range={range}";
        return $"/hotspots/{code}{query}";
    }

    private string Csv(string what) => _view is { } view
        ? $"/api/v1/hotspots/{view.Node.Code}/{what}.csv?from={Uri.EscapeDataString(view.From.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(view.To.ToString("O", CultureInfo.InvariantCulture))}"
        : "";

    private string WidthText => _trends?.Width is { } width
        ? width.TotalHours >= 1 ? T["Hot_Hours", width.TotalHours] : T["Hot_Minutes", width.TotalMinutes]
        : "";

    private string Place(Alert alert) => Reference.Map.PlaceOf(alert.GridCode);

    /// <summary>Five heat steps for the map, by score.</summary>
    private static int Heat(int score) => score switch
    {
        0 => 0,
        <= 5 => 1,
        <= 15 => 2,
        <= 40 => 3,
        _ => 4,
    };

    private static string Change(double? change) => change is { } c ? (c >= 0 ? "+" : "") + (c * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "—";

    private static string ChangeClass(double? change) => change switch
    {
        > 0 => "up",
        < 0 => "down",
        _ => "",
    };

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
