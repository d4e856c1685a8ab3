using System.Security.Claims;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Access;

/// <summary>
/// An open page (a console, a wall) lives in its circuit, which never shows the cookie again, so the cookie's check
/// does not reach it. This re-checks the circuit's user as often: a disabled account or a new security stamp (a
/// reset password) signs the page out, and its route sends it to the sign-in page.
/// </summary>
internal sealed class CircuitUserRevalidation(
    ILoggerFactory loggers, IServiceScopeFactory scopes, IOptions<IdentityOptions> options, ILogger<CircuitUserRevalidation> logger)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => AdminServices.StampValidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        try
        {
            return await IsStillValidAsync(authenticationState.User);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The base class signs out on an exception: a store that is busy for a moment must not send every wall
            // in the city to the sign-in page. The next check, a minute on, decides.
            logger.LogWarning(ex, "Could not revalidate {UserName}; keeping the session until the next check", authenticationState.User.Identity?.Name);
            return true;
        }
    }

    /// <summary>True while the user exists, is enabled and carries the security stamp the store holds.</summary>
    public async Task<bool> IsStillValidAsync(ClaimsPrincipal principal)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CommandCenterUser>>();
        if (await users.GetUserAsync(principal) is not { DisabledAt: null } user)
        {
            return false;
        }

        return !users.SupportsUserSecurityStamp
            || principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType) == await users.GetSecurityStampAsync(user);
    }
}
