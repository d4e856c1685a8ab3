using System.Security.Claims;
using Microsoft.AspNetCore.Components.Endpoints;

namespace CommandCenter.Web.Access;

/// <summary>
/// Holds a user whose password an administrator set (a new account, a reset) at the account page until they choose
/// their own. The flag travels in the sign-in cookie (<see cref="AccessPolicies.MustChangePasswordClaim"/>), so no
/// request reads the store for it; the account page re-issues the cookie without it.
/// </summary>
public static class PasswordChangeGate
{
    public const string AccountPath = "/account";

    /// <summary>
    /// After authentication: pages redirect to the account page, the API, the hub and the circuit answer 403. Only
    /// work is held: sign-in and sign-out, the account page, static files and health checks pass.
    /// </summary>
    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!MustChangePassword(context.User) || IsOpen(context.Request.Path))
        {
            await next(context);
            return;
        }

        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/_blazor"))
        {
            await Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "A password change is required.",
                detail: $"An administrator set this account's password. Sign in to {AccountPath} in a browser and choose your own before using the API.",
                extensions: new Dictionary<string, object?> { ["passwordChangeRequired"] = true }).ExecuteAsync(context);
            return;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null || path.StartsWithSegments("/admin"))
        {
            var returnUrl = path + context.Request.QueryString;
            context.Response.Redirect($"{AccountPath}?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
            return;
        }

        await next(context);
    });

    public static bool MustChangePassword(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.HasClaim(AccessPolicies.MustChangePasswordClaim, "true");

    private static bool IsOpen(PathString path) =>
        path.StartsWithSegments(AccountPath) || path.StartsWithSegments("/signin") || path.StartsWithSegments("/signout");
}
