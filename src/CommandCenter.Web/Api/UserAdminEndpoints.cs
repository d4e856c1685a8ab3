using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Web.Access;

namespace CommandCenter.Web.Api;

public sealed record NewUserRequest(string? UserName, string? DisplayName, string? Role, string? NodeCode, string? Password);

public sealed record UserChangeRequest(string? DisplayName, string? Role, string? NodeCode);

public sealed record UserDto(
    string UserName,
    string DisplayName,
    Role? Role,
    string NodeCode,
    string? NodeName,
    bool MustChangePassword,
    DateTimeOffset? DisabledAt,
    DateTimeOffset? LockedOutUntil)
{
    public static UserDto From(UserView user) => new(
        user.UserName, user.DisplayName, user.Role, user.NodeCode, user.NodeName, user.MustChangePassword, user.DisabledAt, user.LockedOutUntil);
}

/// <summary>The answer to a creation or a reset: the one-time password appears here and nowhere else.</summary>
public sealed record UserWithPasswordDto(UserDto User, string? OneTimePassword);

public sealed record AuditEntryDto(long Id, DateTimeOffset At, string Actor, string? Seat, AuditAction Action, AuditSubject Subject, string SubjectId, string? Comment);

public sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Entries, int Total, int Page, int PageSize);

/// <summary>
/// <c>/api/v1/admin/users</c>: the same <see cref="UserAdministration"/> the admin page uses, so the jurisdiction and
/// self-protection rules are the same here. Refusals are problem details whose <c>errors</c> name the fields.
/// </summary>
public static class UserAdminEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder admin)
    {
        var users = admin.MapGroup("/users");
        users.MapGet("/", async (string? q, HttpContext http, UserAdministration service, CancellationToken ct) =>
            TypedResults.Ok((await service.ListAsync(By(http), q, ct)).Select(UserDto.From).ToList()))
            .WithSummary("The users you administer (your node's subtree), optionally filtered by text.");
        users.MapGet("/{userName}", async (string userName, HttpContext http, UserAdministration service, CancellationToken ct) =>
            ToHttp(await service.GetAsync(userName, By(http), ct), r => TypedResults.Ok(UserDto.From(r.User!))));
        users.MapPost("/", CreateAsync)
            .WithSummary("Create a user; without a password a one-time password is generated and returned once.");
        users.MapPatch("/{userName}", ChangeAsync).WithSummary("Change a user's display name, role or node.");
        users.MapPost("/{userName}/disable", (string userName, HttpContext http, UserAdministration service, CancellationToken ct) =>
            Act(service.DisableAsync(userName, By(http), ct)));
        users.MapPost("/{userName}/enable", (string userName, HttpContext http, UserAdministration service, CancellationToken ct) =>
            Act(service.EnableAsync(userName, By(http), ct)));
        users.MapPost("/{userName}/unlock", (string userName, HttpContext http, UserAdministration service, CancellationToken ct) =>
            Act(service.UnlockAsync(userName, By(http), ct)));
        users.MapPost("/{userName}/reset-password", async (string userName, HttpContext http, UserAdministration service, CancellationToken ct) =>
            ToHttp(await service.ResetPasswordAsync(userName, By(http), ct), r => TypedResults.Ok(new UserWithPasswordDto(UserDto.From(r.User!), r.OneTimePassword))))
            .WithSummary("Replace the password with a one-time password, returned once; the user must change it at sign-in.");
        return admin;
    }

    /// <summary>
    /// The import sheet's template, XLSX or CSV, beside the import page (not under /api: a person downloads it). Its
    /// example row is bound to the admin's own node, so it is valid as it comes.
    /// </summary>
    public static IEndpointRouteBuilder MapUserTemplates(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/users/template.{format:regex(^(xlsx|csv)$)}", (string format, HttpContext http) =>
        {
            var sheet = format == "xlsx" ? SheetFormat.Xlsx : SheetFormat.Csv;
            var bytes = UserSheets.Template(sheet, http.User.ToOperator()!.NodeCode);
            return TypedResults.File(
                bytes,
                sheet == SheetFormat.Xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
                $"users-template.{format}");
        }).RequireAuthorization(AccessPolicies.Admin).ExcludeFromDescription();
        return app;
    }

    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/audit", async (HttpContext http, AuditLog log, CancellationToken ct) =>
        {
            var query = http.Request.Query;
            var errors = new FieldErrors();
            var subject = errors.Enum<AuditSubject>("subject", query["subject"], required: false);
            var from = Day(errors, "from", query["from"]);
            var to = Day(errors, "to", query["to"]);
            var page = Number(errors, "page", query["page"], 1);
            var size = Number(errors, "pageSize", query["pageSize"], 50);
            if (errors.Any)
            {
                return JsonBody.Invalid(errors);
            }

            var read = await log.ReadAsync(new AuditQuery(subject, query["actor"], from, to, page, size), By(http), ct);
            return Results.Ok(new AuditPageDto(
                [.. read.Entries.Select(a => new AuditEntryDto(a.Id, a.At, a.Actor, a.Seat, a.Action, a.Subject, a.SubjectId, a.Comment))],
                read.Total, read.Page, read.PageSize));
        }).WithSummary("Administrative changes, newest first: a city admin reads all; others the entries about their own users.");
        return admin;
    }

    /// <summary>Maps a refused change to its problem: 400 bad fields, 409 taken or changed meanwhile, 403 outside your jurisdiction, 404.</summary>
    internal static IResult ToHttp(AdminResult result, Func<AdminResult, IResult> done)
    {
        var errors = result.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        return result.Outcome switch
        {
            AdminOutcome.Done => done(result),
            AdminOutcome.Invalid => TypedResults.ValidationProblem(errors, title: "The request has invalid fields.", detail: "Nothing was changed. " + result.Message),
            AdminOutcome.Conflict => Results.ValidationProblem(errors, statusCode: StatusCodes.Status409Conflict, title: "Conflict.", detail: "Nothing was changed. " + result.Message),
            AdminOutcome.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such user.", detail: result.Message),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: result.Message),
        };
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, UserAdministration service, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<NewUserRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var role = errors.Enum("role", body!.Role, required: true, RoleNames.Aliases);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        var result = await service.CreateAsync(new NewUser(body.UserName, body.DisplayName, role!.Value, body.NodeCode), body.Password, By(request.HttpContext), ct);
        return ToHttp(result, r => TypedResults.Created(
            $"/api/v1/admin/users/{Uri.EscapeDataString(r.User!.UserName)}", new UserWithPasswordDto(UserDto.From(r.User), r.OneTimePassword)));
    }

    private static async Task<IResult> ChangeAsync(string userName, HttpRequest request, UserAdministration service, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<UserChangeRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var role = errors.Enum("role", body!.Role, required: false, RoleNames.Aliases);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        var result = await service.ChangeAsync(userName, new UserChange(body.DisplayName, role, body.NodeCode), By(request.HttpContext), ct);
        return ToHttp(result, r => TypedResults.Ok(UserDto.From(r.User!)));
    }

    private static async Task<IResult> Act(Task<AdminResult> change) => ToHttp(await change, r => TypedResults.Ok(UserDto.From(r.User!)));

    /// <summary>The signed-in Admin (the group's policy let only Admins in).</summary>
    private static Administrator By(HttpContext http) => Administrator.Of(http.User.ToOperator()!);

    private static DateOnly? Day(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, $"{field} must be a date like 2026-12-03.");
        return null;
    }

    private static int Number(FieldErrors errors, string field, string? value, int fallback)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number > 0)
        {
            return number;
        }

        errors.Add(field, $"{field} must be a positive whole number.");
        return fallback;
    }
}
