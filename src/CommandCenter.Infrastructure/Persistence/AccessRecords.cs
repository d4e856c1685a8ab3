using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>A person or a wall device that signs in. Bound to one node: they see and act only inside its subtree.</summary>
public sealed class CommandCenterUser : IdentityUser
{
    /// <summary>
    /// The node of an administrator created before any city was imported: the whole city, whichever its code. The
    /// first import binds such users to the city's code.
    /// </summary>
    public const string WholeCity = "city";

    public required string DisplayName { get; set; }

    /// <summary>The city, town, community or grid whose subtree is this user's jurisdiction.</summary>
    public required string NodeCode { get; set; }

    /// <summary>Set by an administrator's reset: the user must choose a new password before anything else.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>When an administrator disabled the account; a disabled user cannot sign in and is signed out.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
}

/// <summary>An ingestion API key an Admin created for one source system. Only its hash is stored; it is shown once.</summary>
public sealed class ApiKeyRecord
{
    public Guid Id { get; init; }

    /// <summary>The <c>source</c> value (gridWorker, hotline, …) this key may post as.</summary>
    public required string Source { get; init; }

    public required string Name { get; init; }

    /// <summary>SHA-256 of the key, hex. Keys are long random strings, so a plain hash is enough to look them up.</summary>
    public required string Hash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }
}
