using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;

namespace CommandCenter.Web.Access;

/// <summary>
/// Who is administering: the node whose subtree they administer (null: the whole city, for the command line), their
/// own account (so they cannot disable or demote themselves) and how audit entries name them.
/// </summary>
public sealed record Administrator(string? UserId, string? NodeCode, Actor Actor)
{
    /// <summary>A signed-in Admin, administering their node's subtree.</summary>
    public static Administrator Of(Operator admin) => admin.Role == Role.Admin
        ? new(admin.UserId, admin.NodeCode, Actor.Of(admin))
        : throw new ArgumentException($"{admin.DisplayName} is {admin.Role}, not Admin.", nameof(admin));

    /// <summary>Someone at the server's console (e.g. creating the first admin): the whole city, no account of their own.</summary>
    public static Administrator CommandLine(string name) => new(null, null, Actor.System(name));
}

/// <summary>A user to create. The password is given separately: it is never part of a record that might be logged.</summary>
public sealed record NewUser(string? UserName, string? DisplayName, Role Role, string? NodeCode);

/// <summary>What to change on a user; null leaves a field as it is.</summary>
public sealed record UserChange(string? DisplayName = null, Role? Role = null, string? NodeCode = null);

/// <summary>A user as administration shows them.</summary>
public sealed record UserView(
    string Id,
    string UserName,
    string DisplayName,
    Role? Role,
    string NodeCode,
    string? NodeName,
    DateTimeOffset? LockedOutUntil,
    DateTimeOffset? DisabledAt,
    bool MustChangePassword)
{
    public bool IsDisabled => DisabledAt is not null;

    public bool IsLockedOut => LockedOutUntil is not null;

    /// <summary>True when <paramref name="text"/> occurs in the user name, display name, node code or node name.</summary>
    public bool Matches(string text) =>
        UserName.Contains(text, StringComparison.OrdinalIgnoreCase)
        || DisplayName.Contains(text, StringComparison.OrdinalIgnoreCase)
        || NodeCode.Contains(text, StringComparison.Ordinal)
        || (NodeName?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false);
}

public enum AdminOutcome
{
    Done,

    /// <summary>The input is wrong; the errors name the fields.</summary>
    Invalid,

    /// <summary>The user name is taken, or someone changed the user meanwhile.</summary>
    Conflict,

    NotFound,

    /// <summary>The user is outside the administrator's jurisdiction.</summary>
    Forbidden,
}

/// <summary>One reason a request was refused, for a field (userName, displayName, role, nodeCode, password, …).</summary>
public sealed record AdminError(string Field, string Message);

/// <summary>
/// The outcome of one administrative change. <see cref="OneTimePassword"/> is set when the change generated one: it
/// exists only in this result and must be shown to the administrator once.
/// </summary>
public sealed record AdminResult(AdminOutcome Outcome, IReadOnlyList<AdminError> Errors, UserView? User = null, string? OneTimePassword = null)
{
    public bool Succeeded => Outcome == AdminOutcome.Done;

    /// <summary>Every reason in one line, for a message box or a console.</summary>
    public string Message => string.Join(" ", Errors.Select(e => e.Message));

    public static AdminResult Done(UserView user, string? oneTimePassword = null) => new(AdminOutcome.Done, [], user, oneTimePassword);

    public static AdminResult Refused(AdminOutcome outcome, string field, string message) => new(outcome, [new AdminError(field, message)]);
}

/// <summary>One data row of an import sheet, as text; <see cref="RowNumber"/> is the sheet's own (the header is row 1).</summary>
public sealed record ImportRow(int RowNumber, string? UserName, string? DisplayName, string? Role, string? NodeCode, string? Password);

/// <summary>Why a row (or, with row number 0, the file) cannot be imported.</summary>
public sealed record ImportProblem(int RowNumber, string Message);

/// <summary>A user an import created; <see cref="OneTimePassword"/> is set when the sheet gave no password.</summary>
public sealed record ImportedUser(int RowNumber, string UserName, string DisplayName, Role Role, string NodeCode, string? OneTimePassword);

/// <summary>Either problems (and nothing was created) or the users created, all of them.</summary>
public sealed record ImportResult(IReadOnlyList<ImportProblem> Problems, IReadOnlyList<ImportedUser> Created)
{
    public bool Succeeded => Problems.Count == 0;

    public static ImportResult Failed(IReadOnlyList<ImportProblem> problems) => new(problems, []);
}
