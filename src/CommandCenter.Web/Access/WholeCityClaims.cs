using System.Security.Claims;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;

namespace CommandCenter.Web.Access;

/// <summary>
/// An administrator who signed in before the first import carries the "whole city" placeholder as their node. From
/// the moment a city exists, every request reads it as the city's code, so they can administer the city they just
/// imported without signing in again.
/// </summary>
internal sealed class WholeCityClaims(ReferenceData reference) : IClaimsTransformation
{
    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (!reference.HasCity || principal.FindFirst(AccessPolicies.NodeClaim) is not { Value: CommandCenterUser.WholeCity } placeholder)
        {
            return Task.FromResult(principal);
        }

        var transformed = principal.Clone();
        var identity = (ClaimsIdentity)transformed.Identity!;
        identity.RemoveClaim(identity.FindFirst(AccessPolicies.NodeClaim));
        identity.AddClaim(new Claim(AccessPolicies.NodeClaim, reference.Map.City.Code, placeholder.ValueType, placeholder.Issuer));
        return Task.FromResult(transformed);
    }
}
