using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages.Admin;

/// <summary>
/// 用户管理: the users of the admin's jurisdiction, with their state, and the changes an admin makes to them. Every
/// rule is <see cref="UserAdministration"/>'s; this page shows what it says, and a generated password exactly once.
/// </summary>
public sealed partial class Users : ComponentBase
{
    private IReadOnlyList<UserView> _users = [];
    private IReadOnlyList<Core.Hierarchy.AdminNode> _nodes = [];
    private Administrator? _by;
    private string _jurisdiction = "";
    private bool _mapLoaded;
    private bool _interactive;
    private string? _error;
    private string? _message;
    private (string UserName, string Password)? _oneTime;
    private (UserAction Action, string UserName)? _confirm;
    private UserForm? _form;

    internal enum UserAction
    {
        Disable,
        Reset,
    }

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required UserAdministration Service { get; set; }

    [Inject] public required AdminNodes Nodes { get; set; }

    [Inject] public required IStringLocalizer<AdminText> T { get; set; }

    private string? Filter { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var user = Authentication is null ? null : (await Authentication).User.ToOperator();
        if (user is not { Role: Role.Admin })
        {
            _error = T["Err_NotAdmin"];
            return;
        }

        _by = Administrator.Of(user);
        _mapLoaded = Nodes.HasCity;
        _nodes = Service.AssignableNodes(_by);
        _jurisdiction = Nodes.IsCity(user.NodeCode) ? T["Jurisdiction_All"] : Nodes.Find(user.NodeCode)?.Name ?? user.NodeCode;
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

    private async Task LoadAsync()
    {
        if (_by is not null)
        {
            _users = await Service.ListAsync(_by, Filter);
        }
    }

    private void StartCreate()
    {
        _confirm = null;
        _form = new UserForm { IsNew = true, NodeCode = _by?.NodeCode };
    }

    private void StartEdit(UserView user)
    {
        _confirm = null;
        _form = new UserForm
        {
            UserName = user.UserName,
            DisplayName = user.DisplayName,
            Role = user.Role ?? Role.Staff,
            NodeCode = user.NodeCode,
            IsSelf = user.Id == _by?.UserId,
        };
    }

    private async Task SaveAsync()
    {
        if (_form is not { } form || _by is null)
        {
            return;
        }

        var result = form.IsNew
            ? await Service.CreateAsync(new NewUser(form.UserName, form.DisplayName, form.Role, form.NodeCode), form.Password, _by)
            : await Service.ChangeAsync(form.UserName!, new UserChange(form.DisplayName, form.Role, form.NodeCode), _by);
        if (!result.Succeeded)
        {
            form.Errors = result.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.Message)));
            _error = form.Errors.Keys.Any(k => k is "userName" or "displayName" or "role" or "nodeCode" or "password") ? null : result.Message;
            return;
        }

        _form = null;
        _error = null;
        _oneTime = result.OneTimePassword is { } password ? (result.User!.UserName, password) : null;
        _message = form.IsNew ? T["Users_Created", result.User!.UserName] : T["Users_Saved", result.User!.UserName];
        await LoadAsync();
    }

    private void Ask(UserAction action, UserView user)
    {
        _form = null;
        _confirm = (action, user.UserName);
    }

    private async Task ConfirmAsync()
    {
        if (_confirm is not { } confirm || _by is null)
        {
            return;
        }

        _confirm = null;
        var result = confirm.Action == UserAction.Disable
            ? await Service.DisableAsync(confirm.UserName, _by)
            : await Service.ResetPasswordAsync(confirm.UserName, _by);
        await ShowAsync(result, confirm.Action == UserAction.Disable ? "Users_Disabled" : "Users_ResetDone");
        _oneTime = result.OneTimePassword is { } password ? (confirm.UserName, password) : null;
    }

    private async Task EnableAsync(UserView user) => await ShowAsync(await Service.EnableAsync(user.UserName, _by!), "Users_Enabled");

    private async Task UnlockAsync(UserView user) => await ShowAsync(await Service.UnlockAsync(user.UserName, _by!), "Users_Unlocked");

    private async Task ShowAsync(AdminResult result, string doneKey)
    {
        _error = result.Succeeded ? null : result.Message;
        _message = result.Succeeded ? T[doneKey, result.User!.UserName].Value : null;
        _oneTime = null;
        await LoadAsync();
    }

    private Task<IEnumerable<string>> SearchNodesAsync(string? text, CancellationToken ct)
    {
        var query = text?.Trim();
        var found = string.IsNullOrEmpty(query)
            ? _nodes
            : _nodes.Where(n => n.Code.StartsWith(query, StringComparison.Ordinal) || n.Name.Contains(query, StringComparison.OrdinalIgnoreCase));
        return Task.FromResult(found.Select(n => n.Code));
    }

    private string NodeLabel(string? code) =>
        code is null ? "" : Nodes.Find(code) is { } node ? $"{node.Name} ({code})" : code;

    private static string Local(DateTimeOffset at) => CityClock.Local(at).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The create or edit form; its errors are keyed by the service's field names.</summary>
    private sealed class UserForm
    {
        public bool IsNew { get; init; }

        /// <summary>Editing oneself: role and node are not for changing (the service refuses too).</summary>
        public bool IsSelf { get; init; }

        public string? UserName { get; set; }

        public string? DisplayName { get; set; }

        public Role Role { get; set; } = Role.Staff;

        public string? NodeCode { get; set; }

        public string? Password { get; set; }

        public Dictionary<string, string> Errors { get; set; } = [];

        public bool Has(string field) => Errors.ContainsKey(field);

        public string? Of(string field) => Errors.GetValueOrDefault(field);
    }
}
