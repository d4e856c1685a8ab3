using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages.Admin;

/// <summary>
/// 接口密钥: the keys outside systems post with. A key is shown once, when created; afterwards only its name, source
/// and history. City admins only: a key posts for the whole city.
/// </summary>
public sealed partial class ApiKeyAdmin : ComponentBase
{
    private IReadOnlyList<ApiKeyRecord> _keys = [];
    private Operator? _admin;
    private bool _allowed;
    private bool _interactive;
    private AlertSource _source = AlertSource.Hotline;
    private string? _name;
    private string? _nameError;
    private (string Name, string Key)? _newKey;
    private ApiKeyRecord? _confirm;

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required ApiKeys Keys { get; set; }

    [Inject] public required AdminNodes Nodes { get; set; }

    [Inject] public required IStringLocalizer<AdminText> T { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _admin = Authentication is null ? null : (await Authentication).User.ToOperator();
        _allowed = Nodes.IsCityAdmin(_admin);
        if (_allowed)
        {
            _keys = await Keys.ListAsync(CancellationToken.None);
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

    private async Task CreateAsync()
    {
        var name = _name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100 || name.Any(char.IsControl))
        {
            _nameError = T["Keys_NameRequired"];
            return;
        }

        _nameError = null;
        _confirm = null;
        var (record, key) = await Keys.CreateAsync(_source, name, Actor.Of(_admin!), CancellationToken.None);
        _newKey = (record.Name, key);
        _name = null;
        _keys = await Keys.ListAsync(CancellationToken.None);
    }

    private async Task RevokeAsync()
    {
        if (_confirm is not { } key)
        {
            return;
        }

        _confirm = null;
        await Keys.RevokeAsync(key.Id, Actor.Of(_admin!), CancellationToken.None);
        _keys = await Keys.ListAsync(CancellationToken.None);
    }

    private static string Local(DateTimeOffset at) => CityClock.Local(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
