using System.Security.Claims;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>Open circuits re-check their user: disabling or resetting someone signs their open pages out too.</summary>
public sealed class CircuitRevalidationTests : AdminAppTest
{
    [Fact]
    public void Circuits_UseTheRevalidatingProvider()
    {
        using var scope = App.Services.CreateScope();

        Assert.IsType<CircuitUserRevalidation>(scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());
    }

    [Fact]
    public async Task AUserSignedInBefore_StaysValidUntilDisabled()
    {
        var principal = await PrincipalAsync("staff-hubin");
        Assert.True(await RevalidationAsync(principal));

        await App.Users().DisableAsync("staff-hubin", await Admins.CityAsync(App));

        Assert.False(await RevalidationAsync(principal));
    }

    [Fact]
    public async Task AUserSignedInBefore_IsNoLongerValidOnceTheirPasswordIsReset()
    {
        var principal = await PrincipalAsync("staff-hubin");

        await App.Users().ResetPasswordAsync("staff-hubin", await Admins.CityAsync(App));

        Assert.False(await RevalidationAsync(principal));
    }

    private async Task<bool> RevalidationAsync(ClaimsPrincipal principal)
    {
        using var scope = App.Services.CreateScope();
        var provider = (CircuitUserRevalidation)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        return await provider.IsStillValidAsync(principal);
    }

    /// <summary>The principal a sign-in would have put in the cookie (and so in a circuit) now.</summary>
    private async Task<ClaimsPrincipal> PrincipalAsync(string userName)
    {
        using var scope = App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CommandCenterUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<CommandCenterUser>>();
        return await factory.CreateAsync((await users.FindByNameAsync(userName))!);
    }
}
