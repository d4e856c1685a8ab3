using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Access;

public static class AdminServices
{
    /// <summary>
    /// How long a sign-in cookie is trusted before the store is asked again whether its user is still enabled and
    /// unchanged. Short, so disabling someone or resetting their password ends their sessions within a minute; the
    /// price is one user look-up per signed-in person per minute.
    /// </summary>
    public static readonly TimeSpan StampValidationInterval = TimeSpan.FromMinutes(1);

    /// <summary>User administration, the audit log, the city-map helper they share, and revalidating signed-in users.</summary>
    public static IServiceCollection AddUserAdministration(this IServiceCollection services)
    {
        services.AddSingleton<AdminNodes>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<AuditLog>();
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = StampValidationInterval);

        // Registered before Blazor's own (which is only tried), so every circuit gets the revalidating one.
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, CircuitUserRevalidation>();
        return services;
    }
}
