using System.Security.Claims;
using CommandCenter.Core.Access;

namespace CommandCenter.Web.Access;

/// <summary>Who may open what. Roles are coarse; jurisdiction (the user's node) is checked where the data is.</summary>
public static class AccessPolicies
{
    /// <summary>Walls are for wall devices, duty officers, leaders and admins.</summary>
    public const string Wall = "wall";

    /// <summary>Working alerts: staff and above.</summary>
    public const string Staff = "staff";

    public const string Admin = "admin";

    /// <summary>Leaders' pages (hotspots, supervision): leaders and admins.</summary>
    public const string Leader = "leader";

    /// <summary>The claim holding the code of the user's node (their jurisdiction).</summary>
    public const string NodeClaim = "cc:node";

    /// <summary>The claim holding the name shown as "being handled by …".</summary>
    public const string DisplayNameClaim = "cc:display-name";

    /// <summary>Present ("true") while the user must replace a password an administrator set; see <see cref="PasswordChangeGate"/>.</summary>
    public const string MustChangePasswordClaim = "cc:must-change-password";

    public static IServiceCollection AddAccessPolicies(this IServiceCollection services) => services.AddAuthorizationBuilder()
        .AddPolicy(Wall, policy => policy.RequireRole(nameof(Role.Wall), nameof(Role.DutyOfficer), nameof(Role.Leader), nameof(Role.Admin)).RequireClaim(NodeClaim))
        .AddPolicy(Staff, policy => policy.RequireRole(nameof(Role.Staff), nameof(Role.DutyOfficer), nameof(Role.Leader), nameof(Role.Admin)).RequireClaim(NodeClaim))
        .AddPolicy(Admin, policy => policy.RequireRole(nameof(Role.Admin)))
        .AddPolicy(Leader, policy => policy.RequireRole(nameof(Role.Leader), nameof(Role.Admin)).RequireClaim(NodeClaim))
        .AddPolicy(Wall + "-or-" + Staff, policy => policy.RequireRole(Enum.GetNames<Role>()).RequireClaim(NodeClaim))
        .Services;

    /// <summary>The signed-in user as the domain sees them; null when not signed in or not bound to a node.</summary>
    public static Operator? ToOperator(this ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true
            || user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id
            || user.FindFirstValue(NodeClaim) is not { } node)
        {
            return null;
        }

        // A person with several roles acts in the most senior one.
        Role? role = null;
        foreach (var candidate in new[] { Role.Admin, Role.Leader, Role.DutyOfficer, Role.Staff, Role.Wall })
        {
            if (user.IsInRole(candidate.ToString()))
            {
                role = candidate;
                break;
            }
        }

        return role is null ? null : new Operator(id, user.FindFirstValue(DisplayNameClaim) ?? user.Identity.Name ?? id, role.Value, node);
    }
}
