using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Infrastructure.Audit;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages.Admin;

/// <summary>
/// 审计链校验: the last verification of the audit trail, whoever ran it (this page or <c>verify-audit</c>), and a
/// button to run one now. City admins only: the trail and its problems span the whole city.
/// </summary>
public sealed partial class AuditTrailPage : ComponentBase
{
    private AuditCheck? _last;
    private AuditCheck? _sealing;
    private string? _by;
    private bool _allowed;
    private bool _interactive;
    private bool _verifying;
    private string? _message;

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required AuditTrailVerifier Verifier { get; set; }

    [Inject] public required AdminNodes Nodes { get; set; }

    [Inject] public required IStringLocalizer<AdminText> T { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var admin = Authentication is null ? null : (await Authentication).User.ToOperator();
        _allowed = Nodes.IsCityAdmin(admin);
        if (_allowed)
        {
            _by = admin!.DisplayName;
            _verifying = Verifier.IsRunning;
            (_last, _sealing) = await Verifier.LatestAsync(CancellationToken.None);
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

    private async Task VerifyAsync()
    {
        if (!_allowed || _verifying)
        {
            return;
        }

        _verifying = true;
        _message = null;
        try
        {
            // A run over millions of entries takes a while; the button shows it and a second click waits for this one.
            var check = await Verifier.VerifyAsync(AuditCheckVia.Page, _by!, CancellationToken.None);
            if (check is null)
            {
                _message = T["Trail_AlreadyRunning"];
            }

            (_last, _sealing) = await Verifier.LatestAsync(CancellationToken.None);
        }
        finally
        {
            _verifying = false;
        }
    }

    private string FirstBroken(AuditCheck check) =>
        check.FirstBrokenEntryId is { } id and < long.MaxValue ? T["Trail_Entry", id] : T["Trail_NoEntry"];

    private static string Local(DateTimeOffset at) => CityClock.Local(at).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
