using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages.Admin;

/// <summary>
/// 操作日志: who changed which user, key, team, policy or division, newest first, read a page at a time from the
/// store. Times are the city's. An admin below the city sees the entries about their own users only (<see cref="AuditLog"/>).
/// </summary>
public sealed partial class AuditLogPage : ComponentBase
{
    public const int PageSize = 50;

    private AuditPage? _page;
    private Administrator? _by;
    private bool _cityWide;
    private bool _interactive;

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required AuditLog Log { get; set; }

    [Inject] public required AdminNodes Nodes { get; set; }

    [Inject] public required IStringLocalizer<AdminText> T { get; set; }

    private string? Subject { get; set; } = "";

    private string? ActorText { get; set; }

    private string? FromText { get; set; }

    private string? ToText { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var user = Authentication is null ? null : (await Authentication).User.ToOperator();
        if (user is not { Role: Role.Admin })
        {
            return;
        }

        _by = Administrator.Of(user);
        _cityWide = Nodes.IsCity(user.NodeCode);
        await GoToAsync(1);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private Task FirstPageAsync() => GoToAsync(1);

    private async Task GoToAsync(int page)
    {
        if (_by is null)
        {
            return;
        }

        var subject = Enum.TryParse<AuditSubject>(Subject, out var parsed) ? parsed : (AuditSubject?)null;
        _page = await Log.ReadAsync(new AuditQuery(subject, ActorText, Day(FromText), Day(ToText), page, PageSize), _by);
    }

    private static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private string ActionName(AuditAction action) =>
        T[$"AuditAction_{action}"] is { ResourceNotFound: false } name ? name : action.ToString();

    /// <summary>"Admin@330188001" as people read it: 管理员@湖滨街道.</summary>
    private string Seat(string? seat)
    {
        if (seat?.Split('@') is [var role, var node] && Enum.TryParse<Role>(role, out var parsed))
        {
            return $"{T[RoleNames.Key(parsed)]}@{Nodes.Find(node)?.Name ?? node}";
        }

        return seat ?? "";
    }

    private static string Local(DateTimeOffset at) => CityClock.Local(at).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
