using CommandCenter.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Access;

public static class AccessExtensions
{
    /// <summary>Sign-in cookie lifetime. Sliding: a wall that keeps its page open is never logged out.</summary>
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromDays(30);

    /// <summary>ASP.NET Core Identity on the operational store, a sliding cookie, the access policies and demo users.</summary>
    public static IServiceCollection AddCommandCenterAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<CommandCenterDbContext>>().CreateDbContext());

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddIdentityCore<CommandCenterUser>(options =>
            {
                options.Password.RequiredLength = 8;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CommandCenterDbContext>()
            .AddSignInManager<CommandCenterSignInManager>()
            .AddErrorDescriber<LocalizedIdentityErrors>()
            .AddClaimsPrincipalFactory<CommandCenterClaimsFactory>();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/signin";
            cookie.AccessDeniedPath = "/signin";
            cookie.Cookie.Name = "commandcenter";

            // Never readable by script, never sent by another site's form post, Secure whenever the request came over
            // HTTPS (behind the proxy: X-Forwarded-Proto from a known proxy). Lax keeps a link from a message working.
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = CookieLifetime;
            cookie.SlidingExpiration = true;

            // APIs and the hub answer 401/403; only pages redirect to the sign-in page.
            cookie.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden);
        });
        services.AddAccessPolicies();
        services.AddTransient<Microsoft.AspNetCore.Authentication.IClaimsTransformation, WholeCityClaims>();
        services.AddUserAdministration();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<ApiKeyFilter>();
        services.AddCascadingAuthenticationState();
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection("Demo"));
        services.AddHostedService<DemoUserSeeder>();
        return services;
    }

    private static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
