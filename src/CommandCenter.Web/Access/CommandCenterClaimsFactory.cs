using System.Security.Claims;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Access;

/// <summary>Puts the user's node, display name and a pending password change into the sign-in cookie, so no request has to look them up.</summary>
internal sealed class CommandCenterClaimsFactory(
    Infrastructure.ReferenceData reference,
    UserManager<CommandCenterUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> options) : UserClaimsPrincipalFactory<CommandCenterUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(CommandCenterUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        // An administrator made before the first import works for the whole city, whichever code it turned out to have.
        var node = user.NodeCode == CommandCenterUser.WholeCity && reference.HasCity ? reference.Map.City.Code : user.NodeCode;
        identity.AddClaim(new Claim(AccessPolicies.NodeClaim, node));
        identity.AddClaim(new Claim(AccessPolicies.DisplayNameClaim, user.DisplayName));
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(AccessPolicies.MustChangePasswordClaim, "true"));
        }

        return identity;
    }
}
