using System.Security.Claims;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Access;

/// <summary>
/// Identity's sign-in, refusing disabled accounts twice over: at sign-in (the result is NotAllowed) and when a cookie
/// is revalidated, so a cookie issued before the account was disabled stops working even if its stamp still matched.
/// </summary>
internal sealed class CommandCenterSignInManager(
    UserManager<CommandCenterUser> users,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<CommandCenterUser> claimsFactory,
    IOptions<IdentityOptions> options,
    ILogger<SignInManager<CommandCenterUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<CommandCenterUser> confirmation)
    : SignInManager<CommandCenterUser>(users, contextAccessor, claimsFactory, options, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(CommandCenterUser user) =>
        user.DisabledAt is null && await base.CanSignInAsync(user);

    public override async Task<CommandCenterUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal) =>
        await base.ValidateSecurityStampAsync(principal) is { DisabledAt: null } user ? user : null;
}

/// <summary>
/// Identity's messages about user names and passwords in the UI's language, so the password policy's reasons read
/// as plainly on the account page and in an import report as everything around them.
/// </summary>
internal sealed class LocalizedIdentityErrors(Microsoft.Extensions.Localization.IStringLocalizer<AdminText> t) : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), t["Identity_PasswordTooShort", length]);

    public override IdentityError PasswordRequiresNonAlphanumeric() => Error(nameof(PasswordRequiresNonAlphanumeric), t["Identity_PasswordRequiresNonAlphanumeric"]);

    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), t["Identity_PasswordRequiresDigit"]);

    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), t["Identity_PasswordRequiresLower"]);

    public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper), t["Identity_PasswordRequiresUpper"]);

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Error(nameof(PasswordRequiresUniqueChars), t["Identity_PasswordRequiresUniqueChars", uniqueChars]);

    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), t["Identity_PasswordMismatch"]);

    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), t["Identity_InvalidUserName", userName ?? ""]);

    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), t["Identity_DuplicateUserName", userName]);

    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), t["Identity_ConcurrencyFailure"]);

    public override IdentityError DefaultError() => Error(nameof(DefaultError), t["Identity_DefaultError"]);

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
}
