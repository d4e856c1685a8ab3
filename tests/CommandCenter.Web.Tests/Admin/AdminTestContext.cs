using Bunit;
using CommandCenter.Infrastructure.Policies;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Web.Tests.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>
/// bUnit host for the setup pages: the wall context's store, culture and MudBlazor, with the administration services
/// and a city administrator signed in. Pages render inside a popover provider, as the admin layout has one.
/// </summary>
public abstract class AdminTestContext : WallTestContext
{
    protected AdminTestContext() => SignedInAs("330188", "Admin");

    protected async Task UseAdminStoreAsync()
    {
        await UseStoreAsync();
        Services.AddSingleton(Store.Get<TeamAdministration>());
        Services.AddSingleton(Store.Get<PolicyAdministration>());
    }

    /// <summary>Renders <typeparamref name="TPage"/> after a popover provider, so selects and autocompletes can open.</summary>
    protected IRenderedComponent<TPage> RenderPage<TPage>()
        where TPage : IComponent
    {
        var host = Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(1);
            builder.CloseComponent();
        });
        return host.FindComponent<TPage>();
    }
}
