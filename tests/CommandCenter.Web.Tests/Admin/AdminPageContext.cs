using System.Globalization;
using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using CommandCenter.Web.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>
/// bUnit host for the admin pages: Chinese UI, MudBlazor, and the services of a real running app (its store,
/// Identity and clock), so what a page does can be checked in the store and by signing in.
/// </summary>
public abstract class AdminPageContext : BunitContext, IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly CultureInfo _culture = CultureInfo.CurrentUICulture;

    protected AdminPageContext()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        JSInterop.Mode = JSRuntimeMode.Loose;
        App = new CommandCenterApp(SeededStore.CopyInto(_dir.Path));
        Services.AddMudServices(options => options.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        Services.AddSingleton<TimeProvider>(App.Time);
        foreach (var type in new[] { typeof(UserAdministration), typeof(AdminNodes), typeof(ApiKeys), typeof(AuditLog), typeof(ReferenceData), typeof(Infrastructure.Audit.AuditTrailVerifier) })
        {
            Services.AddSingleton(type, App.Services.GetRequiredService(type));
        }
    }

    protected CommandCenterApp App { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        App.Dispose();
        _dir.Dispose();
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = _culture;
    }

    /// <summary>The page's viewer: the stored user <paramref name="userName"/> with the Admin role.</summary>
    protected async Task SignedInAsync(string userName = "admin")
    {
        await using var db = App.NewDbContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
        var auth = AddAuthorization();
        auth.SetAuthorized(userName);
        auth.SetRoles("Admin");
        auth.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, user.Id),
            new Claim(AccessPolicies.NodeClaim, user.NodeCode),
            new Claim(AccessPolicies.DisplayNameClaim, user.DisplayName));
    }

    protected async Task<CommandCenterUser> StoredAsync(string userName)
    {
        await using var db = App.NewDbContext();
        return await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
    }

    /// <summary>The input of a MudBlazor field tagged <paramref name="testId"/> (the tag lands on the input or its wrapper).</summary>
    protected static IElement Input<TPage>(IRenderedComponent<TPage> page, string testId)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        var tagged = page.Find($"[data-testid={testId}]");
        return tagged.TagName == "INPUT" ? tagged : tagged.QuerySelector("input") ?? throw new InvalidOperationException($"No input in {testId}.");
    }
}
