using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Notifications;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages.Mobile;

/// <summary>
/// The page a notification's link opens on a phone: the alert, and one button that acknowledges (签收) it as the
/// link's recipient. A plain request, no circuit: it must work on any phone browser over a poor connection.
/// </summary>
public sealed partial class AcknowledgeByLink
{
    private AckLinkView _view = new(AckLinkStatus.Invalid);
    private AckOutcome? _outcome;

    [Inject]
    private AcknowledgementByLink ByLink { get; set; } = null!;

    [Inject]
    private ReferenceData Reference { get; set; } = null!;

    [Inject]
    private IStringLocalizer<UiText> T { get; set; } = null!;

    [Parameter]
    public string Token { get; set; } = "";

    [SupplyParameterFromForm(FormName = "acknowledge")]
    private AckForm? Form { get; set; }

    private bool Acknowledged => _outcome?.Acknowledged == true;

    private bool CanAcknowledge =>
        _outcome?.Refusal is null or AckRefusal.Changed && !Acknowledged && _view is { Status: AckLinkStatus.Ready, Alert.State: AlertState.Reported };

    protected override async Task OnInitializedAsync()
    {
        Form ??= new();
        if (_outcome is null)
        {
            _view = await ByLink.OpenAsync(Token);
        }
    }

    private async Task AcknowledgeAsync()
    {
        _outcome = await ByLink.AcknowledgeAsync(Token);
        _view = _outcome.View;
    }

    /// <summary>What the page says: the outcome of a press, else why the link cannot be used, else why the alert no longer waits.</summary>
    private string? Message()
    {
        if (_outcome is { Acknowledged: true })
        {
            return T["Ack_Done"];
        }

        if (_outcome?.Refusal is AckRefusal.Denied)
        {
            return T["Ack_Denied"];
        }

        if (_outcome?.Refusal is AckRefusal.AccountDisabled)
        {
            return T["Ack_AccountDisabled"];
        }

        if (_outcome?.Refusal is AckRefusal.Changed)
        {
            return T["Ack_Changed"];
        }

        if (_outcome?.Refusal is AckRefusal.Gone)
        {
            return T["Ack_AlertGone"];
        }

        return _view.Status switch
        {
            AckLinkStatus.Invalid => T["Ack_Invalid"].Value,
            AckLinkStatus.Expired => T["Ack_Expired", Local(_view.Token!.ExpiresAt)].Value,
            AckLinkStatus.Used => T["Ack_Used", Local(_view.Token!.UsedAt!.Value)].Value,
            AckLinkStatus.AlertGone => T["Ack_AlertGone"].Value,
            _ when _view.Alert is { State: not AlertState.Reported } alert => T["Ack_NotWaiting", T[$"State_{alert.State}"]].Value,
            _ => null,
        };
    }

    private string Place(string gridCode)
    {
        var names = new List<string>();
        for (var node = Reference.Map.Find(gridCode); node is not null && node.ParentCode is not null; node = Reference.Map.Find(node.ParentCode))
        {
            names.Insert(0, node.Name);
        }

        return names.Count > 0 ? string.Join(" · ", names) : gridCode;
    }

    private string Local(DateTimeOffset at) => CityClock.Local(at).ToString(T["Ack_TimeFormat"], CultureInfo.InvariantCulture);

    private sealed class AckForm
    {
        public string? Confirm { get; set; }
    }
}
