using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages.Admin;

/// <summary>
/// 通知投递: the outbox's recent deliveries, newest first, with each one's attempts and last error, filtered by state,
/// channel and recipient; a given-up delivery can be sent again. A city admin sees every node's; an admin below the
/// city those of the notifications to nodes in their jurisdiction.
/// </summary>
public sealed partial class NotificationDeliveries : ComponentBase
{
    public const int PageSize = 50;

    private DeliveryPage? _page;
    private Operator? _admin;
    private IReadOnlyCollection<string>? _nodes;
    private bool _cityWide;
    private bool _interactive;
    private string? _message;
    private bool _messageIsError;

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required NotificationAdministration Deliveries { get; set; }

    [Inject] public required AdminNodes Nodes { get; set; }

    [Inject] public required IStringLocalizer<AdminText> T { get; set; }

    private string? StateText { get; set; } = "";

    private string? ChannelText { get; set; } = "";

    private string? RecipientText { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var user = Authentication is null ? null : (await Authentication).User.ToOperator();
        if (user is not { Role: Role.Admin })
        {
            return;
        }

        _admin = user;
        _cityWide = Nodes.IsCity(user.NodeCode);
        _nodes = _cityWide ? null : [.. Nodes.Subtree(user.NodeCode).Select(n => n.Code)];
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
        if (_admin is null)
        {
            return;
        }

        var state = Enum.TryParse<DeliveryState>(StateText, out var s) ? s : (DeliveryState?)null;
        var channel = Enum.TryParse<NotificationChannel>(ChannelText, out var c) ? c : (NotificationChannel?)null;
        _page = await Deliveries.ReadAsync(new DeliveryQuery(state, channel, RecipientText, page, PageSize, _nodes));
    }

    private async Task ResendAsync(DeliveryRow row)
    {
        try
        {
            await Deliveries.ResendAsync(row.Id, _admin!);
            (_message, _messageIsError) = (T["Deliveries_Resent", row.RecipientName, T[$"NotifyChannel_{row.Channel}"]], false);
        }
        catch (DomainRuleException e)
        {
            (_message, _messageIsError) = (e.Message, true);
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException)
        {
            // Another administrator or server changed it first: the list, read again below, shows what it is now.
            (_message, _messageIsError) = (T["Deliveries_Changed", row.RecipientName], true);
        }

        await GoToAsync(_page?.Page ?? 1);
    }

    private string When(DeliveryRow row) => row.State switch
    {
        DeliveryState.Delivered when row.DeliveredAt is { } at => T["Deliveries_DeliveredAt", Local(at)],
        DeliveryState.Pending => T["Deliveries_NextAt", Local(row.NextAttemptAt)],
        _ => "",
    };

    private static string Local(DateTimeOffset at) => CityClock.Local(at).ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
