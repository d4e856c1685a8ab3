using CommandCenter.Core.Access;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages.Admin;

/// <summary>
/// 批量导入: a sheet of users checked row by row; all of it is created or none of it. The generated one-time passwords
/// are on this page once, with a CSV of them built into the page itself, so no copy is kept on the server.
/// </summary>
public sealed partial class UserImport : ComponentBase
{
    private IReadOnlyList<ImportProblem> _problems = [];
    private IReadOnlyList<ImportedUser> _created = [];
    private string? _passwordsCsv;
    private string? _fileName;
    private Administrator? _by;
    private bool _busy;
    private bool _interactive;

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required UserAdministration Service { get; set; }

    [Inject] public required IStringLocalizer<AdminText> T { get; set; }

    [Inject] public required ILogger<UserImport> Logger { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var user = Authentication is null ? null : (await Authentication).User.ToOperator();
        _by = user is { Role: Role.Admin } ? Administrator.Of(user) : null;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private async Task UploadAsync(InputFileChangeEventArgs e)
    {
        if (_by is null)
        {
            return;
        }

        _busy = true;
        _problems = [];
        _created = [];
        _passwordsCsv = null;
        _fileName = e.File.Name;
        try
        {
            if (e.File.Size > UserSheets.MaxFileBytes)
            {
                _problems = [new ImportProblem(0, T["Sheet_TooLarge", UserSheets.MaxFileBytes / 1024 / 1024])];
                return;
            }

            using var buffer = new MemoryStream();
            await using (var upload = e.File.OpenReadStream(UserSheets.MaxFileBytes))
            {
                await upload.CopyToAsync(buffer);
            }

            var sheet = UserSheets.Read(buffer.ToArray(), e.File.Name, T);
            if (sheet.Problems.Count > 0)
            {
                _problems = sheet.Problems;
                return;
            }

            var result = await Service.ImportAsync(sheet.Rows, _by);
            _problems = result.Problems;
            _created = result.Created;
            if (result.Created.Any(u => u.OneTimePassword is not null))
            {
                _passwordsCsv = "data:text/csv;charset=utf-8;base64," + Convert.ToBase64String(UserSheets.PasswordsCsv(result.Created, T));
            }

            Logger.LogInformation("Import of {FileName}: {Created} created, {Problems} problems", e.File.Name, result.Created.Count, result.Problems.Count);
        }
        finally
        {
            _busy = false;
        }
    }
}
