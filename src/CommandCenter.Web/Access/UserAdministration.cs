using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using EfUserStore = Microsoft.AspNetCore.Identity.EntityFrameworkCore.UserStore<
    CommandCenter.Infrastructure.Persistence.CommandCenterUser,
    Microsoft.AspNetCore.Identity.IdentityRole,
    CommandCenter.Infrastructure.Persistence.CommandCenterDbContext,
    string,
    Microsoft.AspNetCore.Identity.IdentityUserClaim<string>,
    Microsoft.AspNetCore.Identity.IdentityUserRole<string>,
    Microsoft.AspNetCore.Identity.IdentityUserLogin<string>,
    Microsoft.AspNetCore.Identity.IdentityUserToken<string>,
    Microsoft.AspNetCore.Identity.IdentityRoleClaim<string>,
    Microsoft.AspNetCore.Identity.IdentityUserPasskey<string>>;

namespace CommandCenter.Web.Access;

/// <summary>
/// Creating and looking after user accounts, for the admin pages, the admin API and the command line alike. Every
/// rule lives here, not in a page: an administrator sees and changes only users inside their node's subtree and assigns
/// only nodes there; nobody disables, demotes or moves themselves. Each change is saved in one SaveChanges together
/// with its audit entry, whose comment says what changed (never a password).
/// </summary>
public sealed class UserAdministration(
    IServiceScopeFactory scopes,
    AdminNodes nodes,
    TimeProvider time,
    IStringLocalizer<AdminText> t,
    ILogger<UserAdministration> logger)
{
    public const int UserNameMaxLength = 64;
    public const int DisplayNameMaxLength = 50;
    public const int MaxImportRows = 1000;

    /// <summary>The users <paramref name="by"/> administers, by user name, optionally only those matching <paramref name="text"/>.</summary>
    public async Task<IReadOnlyList<UserView>> ListAsync(Administrator by, string? text = null, CancellationToken ct = default)
    {
        await using var work = Work.Begin(scopes);
        var users = await work.Db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var roles = await RolesByUserAsync(work.Db, ct);
        var filter = text?.Trim();
        var now = time.GetUtcNow();
        return
        [
            .. users
                .Where(u => Covers(by, u.NodeCode))
                .Select(u => View(u, roles.GetValueOrDefault(u.Id), now))
                .Where(u => string.IsNullOrEmpty(filter) || u.Matches(filter)),
        ];
    }

    /// <summary>One user, when <paramref name="by"/> administers them.</summary>
    public async Task<AdminResult> GetAsync(string userName, Administrator by, CancellationToken ct = default)
    {
        await using var work = Work.Begin(scopes);
        var (user, refused) = await FindAsync(work, userName, by);
        return refused ?? AdminResult.Done(View(user!, await RoleOfAsync(work.Db, user!.Id, ct), time.GetUtcNow()));
    }

    /// <summary>
    /// Creates a user who must choose their own password at first sign-in. With <paramref name="password"/> null or
    /// empty a one-time password is generated and returned in the result (and nowhere else). This is what the command
    /// line calls to create the first admin, with <see cref="Administrator.CommandLine"/>; it needs the city map loaded.
    /// </summary>
    public async Task<AdminResult> CreateAsync(NewUser user, string? password, Administrator by, CancellationToken ct = default)
    {
        var errors = new List<AdminError>();
        var userName = CheckUserName(user.UserName, errors);
        var displayName = CheckDisplayName(user.DisplayName, errors);
        var node = CheckNode(user.NodeCode, by, errors);
        if (errors.Count > 0)
        {
            return new AdminResult(AdminOutcome.Invalid, errors);
        }

        await using var work = Work.Begin(scopes);
        if (await work.Users.FindByNameAsync(userName!) is not null)
        {
            return AdminResult.Refused(AdminOutcome.Conflict, "userName", t["Err_UserExists", userName!]);
        }

        var account = new CommandCenterUser { UserName = userName, DisplayName = displayName!, NodeCode = node!.Code, MustChangePassword = true };
        var (oneTime, passwordErrors) = await SetPasswordAsync(work.Users, account, password);
        if (passwordErrors.Count > 0)
        {
            return new AdminResult(AdminOutcome.Invalid, passwordErrors);
        }

        var created = await work.Users.CreateAsync(account);
        if (!created.Succeeded)
        {
            return new AdminResult(AdminOutcome.Invalid, [.. created.Errors.Select(ToAdminError)]);
        }

        await SetRoleAsync(work, account, user.Role, ct);
        var now = time.GetUtcNow();
        work.Db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.User, userName!, AuditAction.UserCreated, by.Actor, now,
            AdminTexts.Neutral("AuditC_Created", displayName, AdminTexts.Neutral(RoleNames.Key(user.Role)), Place(node.Code))));
        if (await SaveAsync(work, userName!, ct) is { } conflict)
        {
            return conflict;
        }

        logger.LogInformation("User {UserName} created as {Role} at {NodeCode} by {Actor}", userName, user.Role, node.Code, by.Actor.Name);
        return AdminResult.Done(View(account, user.Role, now), oneTime);
    }

    /// <summary>Changes a user's display name, role or node. Nothing to change is success without an audit entry.</summary>
    public async Task<AdminResult> ChangeAsync(string userName, UserChange change, Administrator by, CancellationToken ct = default)
    {
        await using var work = Work.Begin(scopes);
        var (user, refused) = await FindAsync(work, userName, by);
        if (refused is not null)
        {
            return refused;
        }

        var current = await RoleOfAsync(work.Db, user!.Id, ct);
        var errors = new List<AdminError>();
        var self = by.UserId == user.Id;
        var displayName = change.DisplayName is null ? user.DisplayName : CheckDisplayName(change.DisplayName, errors);
        var nodeCode = user.NodeCode;
        if (change.NodeCode is not null && change.NodeCode.Trim() != user.NodeCode)
        {
            if (self)
            {
                errors.Add(new AdminError("nodeCode", t["Err_SelfNode"]));
            }
            else
            {
                nodeCode = CheckNode(change.NodeCode, by, errors)?.Code ?? nodeCode;
            }
        }

        var role = change.Role ?? current;
        if (self && role != current)
        {
            errors.Add(new AdminError("role", t["Err_SelfRole"]));
        }

        if (errors.Count > 0)
        {
            return new AdminResult(AdminOutcome.Invalid, errors);
        }

        var changes = new List<string>();
        if (displayName != user.DisplayName)
        {
            changes.Add(AdminTexts.Neutral("AuditC_DisplayName", user.DisplayName, displayName));
            user.DisplayName = displayName!;
        }

        if (nodeCode != user.NodeCode)
        {
            changes.Add(AdminTexts.Neutral("AuditC_Node", Place(user.NodeCode), Place(nodeCode)));
            user.NodeCode = nodeCode;
        }

        if (role != current && role is { } newRole)
        {
            changes.Add(AdminTexts.Neutral("AuditC_Role", current is { } old ? AdminTexts.Neutral(RoleNames.Key(old)) : "—", AdminTexts.Neutral(RoleNames.Key(newRole))));
            await SetRoleAsync(work, user, newRole, ct);
        }

        var now = time.GetUtcNow();
        if (changes.Count == 0)
        {
            return AdminResult.Done(View(user, current, now));
        }

        // The new role and node reach the user's cookie at its next validation (SecurityStampValidator), within a minute.
        await work.Users.UpdateAsync(user);
        return await CommitAsync(work, user, role, AuditAction.UserChanged, string.Join("；", changes), by, ct);
    }

    /// <summary>Disables a user: sign-in is refused and their signed-in sessions end at the next cookie validation.</summary>
    public Task<AdminResult> DisableAsync(string userName, Administrator by, CancellationToken ct = default) =>
        ApplyAsync(userName, by, ct, async (work, user) =>
        {
            if (by.UserId == user.Id)
            {
                return AdminResult.Refused(AdminOutcome.Invalid, "userName", t["Err_SelfDisable"]);
            }

            if (user.DisabledAt is not null)
            {
                return null;
            }

            user.DisabledAt = time.GetUtcNow();

            // A new stamp invalidates every cookie issued before, the way out for a lost or shared device.
            await work.Users.UpdateSecurityStampAsync(user);
            return new Applied(AuditAction.UserDisabled, AdminTexts.Neutral("AuditC_Disabled"));
        });

    public Task<AdminResult> EnableAsync(string userName, Administrator by, CancellationToken ct = default) =>
        ApplyAsync(userName, by, ct, async (work, user) =>
        {
            if (user.DisabledAt is null)
            {
                return null;
            }

            user.DisabledAt = null;
            await work.Users.UpdateAsync(user);
            return new Applied(AuditAction.UserEnabled, AdminTexts.Neutral("AuditC_Enabled"));
        });

    /// <summary>Ends a lockout and forgets the failed sign-ins that led to it.</summary>
    public Task<AdminResult> UnlockAsync(string userName, Administrator by, CancellationToken ct = default) =>
        ApplyAsync(userName, by, ct, async (work, user) =>
        {
            if (user.LockoutEnd is null && user.AccessFailedCount == 0)
            {
                return null;
            }

            // Identity forgets the failed count when it locks someone out, so the comment names what there was.
            var comment = user.LockoutEnd is { } until && until > time.GetUtcNow()
                ? AdminTexts.Neutral("AuditC_Unlocked", CityClock.Local(until).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
                : AdminTexts.Neutral("AuditC_FailuresCleared", user.AccessFailedCount);
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            await work.Users.UpdateAsync(user);
            return new Applied(AuditAction.UserUnlocked, comment);
        });

    /// <summary>
    /// Replaces the password with a generated one-time password, returned in the result only, which the user must
    /// change at first sign-in. A reset also ends a lockout: the user forgot their password, that is why they were locked.
    /// </summary>
    public async Task<AdminResult> ResetPasswordAsync(string userName, Administrator by, CancellationToken ct = default)
    {
        string? oneTime = null;
        var result = await ApplyAsync(userName, by, ct, async (work, user) =>
        {
            (oneTime, _) = await SetPasswordAsync(work.Users, user, null);
            user.MustChangePassword = true;
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            await work.Users.UpdateSecurityStampAsync(user);
            return new Applied(AuditAction.PasswordReset, AdminTexts.Neutral("AuditC_Reset"));
        });
        return result.Succeeded ? result with { OneTimePassword = oneTime } : result;
    }

    /// <summary>
    /// A user changing their own password (the account page): the current one must be right and the new one must
    /// meet the policy and differ from it. Clears <see cref="CommandCenterUser.MustChangePassword"/>.
    /// </summary>
    public async Task<AdminResult> ChangeOwnPasswordAsync(string userId, string? currentPassword, string? newPassword, Actor actor, CancellationToken ct = default)
    {
        await using var work = Work.Begin(scopes);
        var user = await work.Users.FindByIdAsync(userId);
        if (user is null)
        {
            return AdminResult.Refused(AdminOutcome.NotFound, "userName", t["Err_UserNotFound", userId]);
        }

        if (string.IsNullOrEmpty(currentPassword) || !await work.Users.CheckPasswordAsync(user, currentPassword))
        {
            return AdminResult.Refused(AdminOutcome.Invalid, "currentPassword", t["Err_CurrentPasswordWrong"]);
        }

        if (string.IsNullOrEmpty(newPassword))
        {
            return AdminResult.Refused(AdminOutcome.Invalid, "newPassword", t["Err_NewPasswordRequired"]);
        }

        if (newPassword == currentPassword)
        {
            return AdminResult.Refused(AdminOutcome.Invalid, "newPassword", t["Err_SamePassword"]);
        }

        var wasForced = user.MustChangePassword;
        user.MustChangePassword = false;
        var changed = await work.Users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!changed.Succeeded)
        {
            return new AdminResult(AdminOutcome.Invalid, [.. changed.Errors.Select(e => ToAdminError(e) with { Field = "newPassword" })]);
        }

        var role = await RoleOfAsync(work.Db, user.Id, ct);
        return await CommitAsync(work, user, role, AuditAction.PasswordChanged,
            AdminTexts.Neutral(wasForced ? "AuditC_PasswordChangedForced" : "AuditC_PasswordChanged"), new Administrator(user.Id, user.NodeCode, actor), ct);
    }

    /// <summary>
    /// Checks every row first; when any is wrong nothing is created and every problem comes back with its row number.
    /// Otherwise all users are created in one SaveChanges, one audit entry each, with one-time passwords for the rows
    /// that gave none.
    /// </summary>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<ImportRow> rows, Administrator by, CancellationToken ct = default)
    {
        if (rows.Count == 0)
        {
            return ImportResult.Failed([new ImportProblem(0, t["Err_ImportEmpty"])]);
        }

        if (rows.Count > MaxImportRows)
        {
            return ImportResult.Failed([new ImportProblem(0, t["Err_ImportTooMany", rows.Count, MaxImportRows])]);
        }

        await using var work = Work.Begin(scopes);
        var problems = new List<ImportProblem>();
        var planned = new List<(ImportRow Row, CommandCenterUser User, Role Role, string? Password)>();
        var firstRowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var errors = new List<AdminError>();
            var userName = CheckUserName(row.UserName, errors);
            if (userName is not null)
            {
                var normalized = work.Users.NormalizeName(userName);
                if (firstRowOf.TryGetValue(normalized, out var first))
                {
                    errors.Add(new AdminError("userName", t["Err_DuplicateInFile", userName, first]));
                    userName = null;
                }
                else
                {
                    firstRowOf[normalized] = row.RowNumber;
                }
            }

            var displayName = CheckDisplayName(row.DisplayName, errors);
            var role = CheckRole(row.Role, errors);
            var node = CheckNode(row.NodeCode, by, errors);
            var password = string.IsNullOrEmpty(row.Password) ? null : row.Password;
            var candidate = new CommandCenterUser { UserName = userName, DisplayName = displayName ?? "", NodeCode = node?.Code ?? "", MustChangePassword = true };
            if (userName is not null)
            {
                // Identity's own checks: allowed characters, and the name not taken in the store.
                foreach (var validator in work.Users.UserValidators)
                {
                    errors.AddRange((await validator.ValidateAsync(work.Users, candidate)).Errors.Select(ToAdminError));
                }
            }

            if (password is not null)
            {
                errors.AddRange(await CheckPasswordAsync(work.Users, candidate, password));
            }

            if (errors.Count > 0)
            {
                problems.AddRange(errors.Select(e => new ImportProblem(row.RowNumber, e.Message)));
            }
            else
            {
                planned.Add((row, candidate, role!.Value, password));
            }
        }

        if (problems.Count > 0)
        {
            return ImportResult.Failed(problems);
        }

        var now = time.GetUtcNow();
        var created = new List<ImportedUser>();
        foreach (var (row, user, role, password) in planned)
        {
            var (oneTime, _) = await SetPasswordAsync(work.Users, user, password);
            var result = await work.Users.CreateAsync(user);
            if (!result.Succeeded)
            {
                return ImportResult.Failed([.. result.Errors.Select(e => new ImportProblem(row.RowNumber, ToAdminError(e).Message))]);
            }

            await SetRoleAsync(work, user, role, ct);
            work.Db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.User, user.UserName!, AuditAction.UserCreated, by.Actor, now,
                AdminTexts.Neutral("AuditC_Imported", user.DisplayName, AdminTexts.Neutral(RoleNames.Key(role)), Place(user.NodeCode), row.RowNumber)));
            created.Add(new ImportedUser(row.RowNumber, user.UserName!, user.DisplayName, role, user.NodeCode, oneTime));
        }

        if (await SaveAsync(work, string.Join(", ", created.Select(c => c.UserName)), ct) is { } conflict)
        {
            return ImportResult.Failed([new ImportProblem(0, conflict.Message)]);
        }

        logger.LogInformation("{Count} users imported by {Actor}", created.Count, by.Actor.Name);
        return new ImportResult([], created);
    }

    /// <summary>True when <paramref name="by"/> administers users bound to <paramref name="nodeCode"/>.</summary>
    public bool Covers(Administrator by, string nodeCode) =>
        by.NodeCode is null || nodes.IsCity(by.NodeCode) || nodes.IsWithin(nodeCode, by.NodeCode);

    /// <summary>The nodes <paramref name="by"/> may bind users to: their subtree (the whole city from the city or the command line).</summary>
    public IReadOnlyList<AdminNode> AssignableNodes(Administrator by) => nodes.Subtree(by.NodeCode);

    /// <summary>
    /// Finds the user inside <paramref name="by"/>'s jurisdiction and applies <paramref name="change"/>, which answers
    /// a refusal, the <see cref="Applied"/> change to audit and save, or null when there was nothing to do.
    /// </summary>
    private async Task<AdminResult> ApplyAsync(
        string userName, Administrator by, CancellationToken ct, Func<Work, CommandCenterUser, Task<object?>> change)
    {
        await using var work = Work.Begin(scopes);
        var (user, refused) = await FindAsync(work, userName, by);
        if (refused is not null)
        {
            return refused;
        }

        var role = await RoleOfAsync(work.Db, user!.Id, ct);
        return await change(work, user) switch
        {
            AdminResult refusal => refusal,
            Applied applied => await CommitAsync(work, user, role, applied.Action, applied.Comment, by, ct),
            _ => AdminResult.Done(View(user, role, time.GetUtcNow())),
        };
    }

    private async Task<AdminResult> CommitAsync(Work work, CommandCenterUser user, Role? role, AuditAction action, string comment, Administrator by, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        work.Db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.User, user.UserName!, action, by.Actor, now, comment));
        if (await SaveAsync(work, user.UserName!, ct) is { } conflict)
        {
            return conflict;
        }

        logger.LogInformation("User {UserName}: {Action} by {Actor}", user.UserName, action, by.Actor.Name);
        return AdminResult.Done(View(user, role, now));
    }

    private async Task<AdminResult?> SaveAsync(Work work, string userNames, CancellationToken ct)
    {
        try
        {
            await work.Db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return AdminResult.Refused(AdminOutcome.Conflict, "userName", t["Err_ChangedMeanwhile", userNames]);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another admin created the same user name between our check and this save (the unique index caught it).
            return AdminResult.Refused(AdminOutcome.Conflict, "userName", t["Err_UserExists", userNames]);
        }
    }

    private async Task<(CommandCenterUser? User, AdminResult? Refused)> FindAsync(Work work, string userName, Administrator by)
    {
        var user = string.IsNullOrWhiteSpace(userName) ? null : await work.Users.FindByNameAsync(userName.Trim());
        if (user is null)
        {
            return (null, AdminResult.Refused(AdminOutcome.NotFound, "userName", t["Err_UserNotFound", userName]));
        }

        return Covers(by, user.NodeCode)
            ? (user, null)
            : (null, AdminResult.Refused(AdminOutcome.Forbidden, "userName", t["Err_UserOutside", user.UserName!, JurisdictionName(by)]));
    }

    private string? CheckUserName(string? value, List<AdminError> errors)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new AdminError("userName", t["Err_UserNameRequired"]));
            return null;
        }

        if (name.Length > UserNameMaxLength)
        {
            errors.Add(new AdminError("userName", t["Err_UserNameTooLong", UserNameMaxLength]));
            return null;
        }

        return name;
    }

    private string? CheckDisplayName(string? value, List<AdminError> errors)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new AdminError("displayName", t["Err_DisplayNameRequired"]));
            return null;
        }

        if (name.Length > DisplayNameMaxLength || name.Any(char.IsControl))
        {
            errors.Add(new AdminError("displayName", t["Err_DisplayNameBad", DisplayNameMaxLength]));
            return null;
        }

        return name;
    }

    private Role? CheckRole(string? value, List<AdminError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new AdminError("role", t["Err_RoleRequired", RoleNames.Accepted()]));
            return null;
        }

        var role = RoleNames.Parse(value);
        if (role is null)
        {
            errors.Add(new AdminError("role", t["Err_RoleUnknown", value.Trim(), RoleNames.Accepted()]));
        }

        return role;
    }

    /// <summary>The node, when it exists and lies inside <paramref name="by"/>'s jurisdiction; an admin's node can only be theirs or below.</summary>
    private AdminNode? CheckNode(string? value, Administrator by, List<AdminError> errors)
    {
        var code = value?.Trim();
        if (string.IsNullOrEmpty(code))
        {
            errors.Add(new AdminError("nodeCode", t["Err_NodeRequired"]));
            return null;
        }

        if (!nodes.HasCity)
        {
            errors.Add(new AdminError("nodeCode", t["Err_NoCity"]));
            return null;
        }

        var node = nodes.Find(code);
        if (node is null)
        {
            errors.Add(new AdminError("nodeCode", t["Err_NodeUnknown", code]));
            return null;
        }

        if (!Covers(by, node.Code))
        {
            errors.Add(new AdminError("nodeCode", t["Err_NodeOutside", Place(node.Code), JurisdictionName(by)]));
            return null;
        }

        return node;
    }

    private async Task<List<AdminError>> CheckPasswordAsync(UserManager<CommandCenterUser> users, CommandCenterUser user, string password)
    {
        var errors = new List<AdminError>();
        foreach (var validator in users.PasswordValidators)
        {
            errors.AddRange((await validator.ValidateAsync(users, user, password)).Errors.Select(e => ToAdminError(e) with { Field = "password" }));
        }

        return errors;
    }

    /// <summary>
    /// Sets the password hash on <paramref name="user"/> (not saved), generating a one-time password when none is
    /// given. Hashing happens here, before any save: it is slow by design and must not hold the store's write lock.
    /// </summary>
    private async Task<(string? OneTime, List<AdminError> Errors)> SetPasswordAsync(UserManager<CommandCenterUser> users, CommandCenterUser user, string? password)
    {
        string? oneTime = null;
        if (string.IsNullOrEmpty(password))
        {
            // The generator meets the default policy; a stricter configured one gets a few more draws.
            for (var attempt = 0; attempt < 5 && oneTime is null; attempt++)
            {
                var candidate = OneTimePasswords.Generate(users.Options.Password);
                if ((await CheckPasswordAsync(users, user, candidate)).Count == 0)
                {
                    oneTime = candidate;
                }
            }

            password = oneTime ?? throw new InvalidOperationException("No generated password met the password policy; check Identity's password options.");
        }
        else
        {
            var errors = await CheckPasswordAsync(users, user, password);
            if (errors.Count > 0)
            {
                return (null, errors);
            }
        }

        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        return (oneTime, []);
    }

    /// <summary>Makes <paramref name="role"/> the user's only role, creating the role if the store has none yet (a fresh store, the command line).</summary>
    private static async Task SetRoleAsync(Work work, CommandCenterUser user, Role role, CancellationToken ct)
    {
        var name = role.ToString();
        var normalized = name.ToUpperInvariant();
        var stored = await work.Db.Roles.FirstOrDefaultAsync(r => r.NormalizedName == normalized, ct);
        if (stored is null)
        {
            stored = new IdentityRole(name) { NormalizedName = normalized };
            work.Db.Roles.Add(stored);
        }

        var held = await work.Db.UserRoles.Where(ur => ur.UserId == user.Id).ToListAsync(ct);
        work.Db.UserRoles.RemoveRange(held.Where(ur => ur.RoleId != stored.Id));
        if (!held.Any(ur => ur.RoleId == stored.Id))
        {
            work.Db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = stored.Id });
        }
    }

    private static async Task<Dictionary<string, Role?>> RolesByUserAsync(CommandCenterDbContext db, CancellationToken ct)
    {
        var pairs = await (from userRole in db.UserRoles
                           join role in db.Roles on userRole.RoleId equals role.Id
                           select new { userRole.UserId, role.Name }).ToListAsync(ct);
        return pairs.GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => RoleNames.MostSenior(g.Select(p => p.Name)));
    }

    private static async Task<Role?> RoleOfAsync(CommandCenterDbContext db, string userId, CancellationToken ct)
    {
        var names = await (from userRole in db.UserRoles
                           join role in db.Roles on userRole.RoleId equals role.Id
                           where userRole.UserId == userId
                           select role.Name).ToListAsync(ct);
        return RoleNames.MostSenior(names);
    }

    /// <remarks>
    /// Identity enforces lockouts against the system clock; reading them against the injected clock agrees with it
    /// in production and lets tests move time.
    /// </remarks>
    private UserView View(CommandCenterUser user, Role? role, DateTimeOffset now) => new(
        user.Id,
        user.UserName ?? "",
        user.DisplayName,
        role,
        user.NodeCode,
        nodes.Find(user.NodeCode)?.Name,
        user.LockoutEnd > now ? user.LockoutEnd : null,
        user.DisabledAt,
        user.MustChangePassword);

    private string Place(string code) => nodes.Find(code) is { } node ? $"{node.Name} ({code})" : code;

    private string JurisdictionName(Administrator by) => by.NodeCode is null ? t["Jurisdiction_All"] : Place(by.NodeCode);

    private AdminError ToAdminError(IdentityError error) =>
        new(error.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "userName", error.Description);

    private sealed record Applied(AuditAction Action, string Comment);

    /// <summary>
    /// One administrative change: its own scope, so a fresh DbContext and UserManager (a page's circuit lives for hours
    /// and must not keep tracked users), with the store's automatic saves off so the change and its audit entry are
    /// written by one SaveChanges.
    /// </summary>
    private sealed class Work : IAsyncDisposable
    {
        private readonly AsyncServiceScope _scope;

        private Work(AsyncServiceScope scope)
        {
            _scope = scope;
            var store = scope.ServiceProvider.GetRequiredService<IUserStore<CommandCenterUser>>() as EfUserStore
                ?? throw new InvalidOperationException("User administration expects Identity's EF Core user store.");
            store.AutoSaveChanges = false;
            Users = scope.ServiceProvider.GetRequiredService<UserManager<CommandCenterUser>>();
            Db = scope.ServiceProvider.GetRequiredService<CommandCenterDbContext>();
        }

        public UserManager<CommandCenterUser> Users { get; }

        public CommandCenterDbContext Db { get; }

        public static Work Begin(IServiceScopeFactory scopes) => new(scopes.CreateAsyncScope());

        public ValueTask DisposeAsync() => _scope.DisposeAsync();
    }
}
