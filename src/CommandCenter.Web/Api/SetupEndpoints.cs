using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Policies;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Policies;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Web.Access;
using CommandCenter.Web.Components.Admin;

namespace CommandCenter.Web.Api;

public sealed record MemberRequest(string? Name, string? Role, string? Phone);

public sealed record TeamRequest(string? Code, string? Name, string? Type, string? NodeCode, List<MemberRequest?>? Members, LocationDto? Position);

public sealed record NextCodeDto(string Code);

public sealed record DeadlineRequest(string? Category, string? Severity, int? AcknowledgeMinutes, int? DispatchMinutes, int? HandleMinutes, int? VerifyMinutes);

public sealed record PetitionPolicyRequest(Dictionary<string, int>? FollowUpCadenceMinutes);

/// <summary>The notifications section of a new version; a field left out keeps the base version's value.</summary>
public sealed record NotificationPolicyRequest(
    bool? AlertRaised,
    string? MinimumSeverity,
    bool? Escalated,
    bool? PetitionWarning,
    bool? LateReportCharged,
    bool? SilentGrid,
    int? SilentGridAfterMinutes,
    bool? Reminders,
    int? RemindAfterMinutes,
    int? NextRungAfterMinutes);

/// <summary>A new policy version in the shape of policies.json; <c>baseVersion</c> is the version it was edited from (default: the newest).</summary>
public sealed record PolicyRequest(
    int? BaseVersion,
    string? Name,
    string? EffectiveFrom,
    Dictionary<string, int>? LateReportLimitMinutes,
    List<DeadlineRequest?>? Deadlines,
    PetitionPolicyRequest? Petition,
    NotificationPolicyRequest? Notifications = null);

public sealed record PolicyVersionDto(int Version, string Name, DateTimeOffset EffectiveFrom, DateTimeOffset LoadedAt, bool InForce, bool Scheduled);

public sealed record DeadlineDto(string Category, Severity Severity, int AcknowledgeMinutes, int DispatchMinutes, int HandleMinutes, int VerifyMinutes);

public sealed record PetitionPolicyDto(IReadOnlyDictionary<PetitionStage, int> FollowUpCadenceMinutes);

public sealed record NotificationPolicyDto(
    bool AlertRaised,
    Severity MinimumSeverity,
    bool Escalated,
    bool PetitionWarning,
    bool LateReportCharged,
    bool SilentGrid,
    int SilentGridAfterMinutes,
    bool Reminders,
    int RemindAfterMinutes,
    int NextRungAfterMinutes)
{
    public static NotificationPolicyDto From(NotificationPolicy rules) => new(
        rules.AlertRaised, rules.MinimumSeverity, rules.Escalated, rules.PetitionWarning, rules.LateReportCharged,
        rules.SilentGrid, DeadlineDraft.Whole(rules.SilentGridAfter), rules.Reminders,
        DeadlineDraft.Whole(rules.RemindAfter), DeadlineDraft.Whole(rules.NextRungAfter));
}

public sealed record PolicyDto(
    int Version,
    string Name,
    DateTimeOffset EffectiveFrom,
    bool InForce,
    IReadOnlyList<NodeLevel> Ladder,
    IReadOnlyDictionary<Severity, int> LateReportLimitMinutes,
    IReadOnlyList<DeadlineDto> Deadlines,
    PetitionPolicyDto Petition,
    NotificationPolicyDto Notifications)
{
    public static PolicyDto From(EscalationPolicy policy, bool inForce)
    {
        var draft = PolicyDraft.From(policy);
        return new(
            policy.Version, policy.Name, policy.EffectiveFrom, inForce, policy.Ladder, draft.LateReportLimitMinutes,
            [.. draft.Deadlines.Select(d => new DeadlineDto(d.Category, d.Severity, d.AcknowledgeMinutes, d.DispatchMinutes, d.HandleMinutes, d.VerifyMinutes))],
            new PetitionPolicyDto(draft.FollowUpCadenceMinutes),
            NotificationPolicyDto.From(policy.Notifications));
    }
}

/// <summary>A problem as the API names it: the field and the reason in words.</summary>
public sealed record ProblemItemDto(string Field, string Message);

public sealed record PolicyDiffDto(PolicyDiff Diff, bool CanSave, IReadOnlyList<ProblemItemDto> Problems);

public sealed record PolicySavedDto(PolicyDto Policy, PolicyDiff Diff);

/// <summary>
/// The administration API for what the setup pages change: teams (an administrator within their node) and the
/// escalation policy (a city administrator). Every refusal is problem details naming each problem.
/// </summary>
public static class SetupEndpoints
{
    public static RouteGroupBuilder MapSetupEndpoints(this RouteGroupBuilder api)
    {
        var teams = api.MapGroup("/admin/teams").WithTags("Admin").RequireAuthorization(AccessPolicies.Admin);
        teams.MapGet("/", ListTeamsAsync).WithSummary("Teams within your node: ?nodeCode=&type=&q=&includeRetired=true.");
        teams.MapGet("/next-code", async (TeamAdministration admin, CancellationToken ct) => TypedResults.Ok(new NextCodeDto(await admin.SuggestCodeAsync(ct))))
            .WithSummary("The next free code of the form TM-nnn.");
        teams.MapGet("/{code}", GetTeamAsync);
        teams.MapPost("/", CreateTeamAsync).Accepts<TeamRequest>("application/json").Produces<TeamDto>(StatusCodes.Status201Created).ProducesValidationProblem()
            .WithSummary("Create a team: {code, name, type, nodeCode, members: [{name, role, phone?}], position?: {lat, lon}}; its level is its home node's.");
        teams.MapPut("/{code}", EditTeamAsync).Accepts<TeamRequest>("application/json").Produces<TeamDto>().ProducesValidationProblem()
            .WithSummary("Edit a team's name, type, home node, members and position (code is ignored).");
        teams.MapPost("/{code}/retire", RetireTeamAsync).Produces<TeamDto>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Retire a team: refused (409) while it works an open alert; it keeps its history but leaves lists, walls and dispatch.");

        var policies = api.MapGroup("/admin/policies").WithTags("Admin").RequireAuthorization(AccessPolicies.Admin);
        policies.MapGet("/", ListPoliciesAsync).WithSummary("Every escalation policy version, with the one new alerts take now.");
        policies.MapGet("/{version:int}", GetPolicy);
        policies.MapPost("/diff", DiffPolicyAsync).Accepts<PolicyRequest>("application/json").Produces<PolicyDiffDto>().ProducesValidationProblem()
            .WithSummary("What a new version would change against the newest, and whether it could be saved.");
        policies.MapPost("/", CreatePolicyAsync).Accepts<PolicyRequest>("application/json").Produces<PolicySavedDto>(StatusCodes.Status201Created).ProducesValidationProblem()
            .WithSummary("City administrators: save a new version (the newest + 1); effectiveFrom defaults to now and may lie ahead.");
        return api;
    }

    private static async Task<IResult> ListTeamsAsync(
        HttpContext http, TeamAdministration admin, string? nodeCode, string? type, string? q, bool? includeRetired, CancellationToken ct)
    {
        if (http.User.ToOperator() is not { } by)
        {
            return NoNode();
        }

        var errors = new FieldErrors();
        var teamType = errors.Enum<TeamType>("type", type, required: false);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        var teams = await admin.ListAsync(by, new TeamQuery(nodeCode, teamType, q, includeRetired ?? false), ct);
        return TypedResults.Ok(teams.Select(TeamDto.From).ToList());
    }

    private static async Task<IResult> GetTeamAsync(string code, HttpContext http, TeamAdministration admin, CancellationToken ct) =>
        http.User.ToOperator() is not { } by ? NoNode()
        : await admin.FindAsync(code, by, ct) is { } team ? TypedResults.Ok(TeamDto.From(team))
        : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such team.", detail: $"Team '{code}' does not exist or is outside your node.");

    private static async Task<IResult> CreateTeamAsync(HttpRequest request, TeamAdministration admin, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<TeamRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (request.HttpContext.User.ToOperator() is not { } by)
        {
            return NoNode();
        }

        var (draft, errors) = ToDraft(body!);
        var result = errors.Any ? null : await admin.CreateAsync(draft, by, ct);
        return result is { Value: { } team }
            ? TypedResults.Created($"/api/v1/admin/teams/{team.Code}", TeamDto.From(team))
            : Refusal(result, errors, () => admin.Check(draft, creating: true));
    }

    private static async Task<IResult> EditTeamAsync(string code, HttpRequest request, TeamAdministration admin, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<TeamRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (request.HttpContext.User.ToOperator() is not { } by)
        {
            return NoNode();
        }

        var (draft, errors) = ToDraft(body! with { Code = code });
        var result = errors.Any ? null : await admin.EditAsync(code, draft, by, ct);
        return result is { Value: { } team } ? TypedResults.Ok(TeamDto.From(team)) : Refusal(result, errors, () => admin.Check(draft, creating: false));
    }

    private static async Task<IResult> RetireTeamAsync(string code, HttpContext http, TeamAdministration admin, CancellationToken ct)
    {
        if (http.User.ToOperator() is not { } by)
        {
            return NoNode();
        }

        var result = await admin.RetireAsync(code, by, ct);
        return result is { Value: { } team } ? TypedResults.Ok(TeamDto.From(team)) : Refusal(result, new FieldErrors(), () => []);
    }

    private static async Task<IResult> ListPoliciesAsync(PolicyAdministration admin, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var versions = await admin.VersionsAsync(ct);
        return TypedResults.Ok(versions.Select(v => new PolicyVersionDto(v.Version, v.Name, v.EffectiveFrom, v.LoadedAt, v.InForce, v.IsScheduled(now))).ToList());
    }

    private static IResult GetPolicy(int version, ReferenceData reference, TimeProvider time)
    {
        var policy = reference.Policies.FirstOrDefault(p => p.Version == version);
        return policy is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such policy version.", detail: $"Escalation policy version {version} does not exist.")
            : TypedResults.Ok(PolicyDto.From(policy, reference.PolicyAt(time.GetUtcNow()).Version == version));
    }

    private static async Task<IResult> DiffPolicyAsync(HttpRequest request, PolicyAdministration admin, ReferenceData reference, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<PolicyRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var (draft, errors) = ToDraft(body!, reference);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        var problems = admin.Check(draft);
        return TypedResults.Ok(new PolicyDiffDto(
            admin.Diff(draft), problems.Count == 0, [.. problems.Select(p => new ProblemItemDto(p.Field, SetupTexts.Text(p, SetupTexts.English)))]));
    }

    private static async Task<IResult> CreatePolicyAsync(HttpRequest request, PolicyAdministration admin, ReferenceData reference, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<PolicyRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (request.HttpContext.User.ToOperator() is not { } by)
        {
            return NoNode();
        }

        var (draft, errors) = ToDraft(body!, reference);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        var result = await admin.CreateAsync(draft, by, ct);
        return result is { Value: { } saved }
            ? TypedResults.Created(
                $"/api/v1/admin/policies/{saved.Policy.Version}",
                new PolicySavedDto(PolicyDto.From(saved.Policy, reference.PolicyAt(time.GetUtcNow()).Version == saved.Policy.Version), saved.Diff))
            : Refusal(result, errors, () => []);
    }

    /// <summary>
    /// The answer to a refused change. Input the API could not even read (an unknown enum name) comes first, joined
    /// with the service's own checks of the fields it could read, so one answer names every bad field.
    /// </summary>
    private static IResult Refusal<T>(SetupResult<T>? result, FieldErrors unread, Func<IReadOnlyList<SetupProblem>> checks)
        where T : class
    {
        if (result is null)
        {
            var named = unread.ToDictionary().Keys.ToHashSet(StringComparer.Ordinal);
            foreach (var check in checks().Where(c => !named.Contains(c.Field)))
            {
                unread.Add(check.Field, SetupTexts.Text(check, SetupTexts.English));
            }

            return JsonBody.Invalid(unread);
        }

        var errors = new FieldErrors();
        foreach (var item in result.Problems)
        {
            errors.Add(item.Field, SetupTexts.Text(item, SetupTexts.English));
        }

        var detail = string.Join(" ", result.Problems.Select(p => SetupTexts.Text(p, SetupTexts.English)));
        return result.Refusal switch
        {
            SetupRefusal.Invalid => JsonBody.Invalid(errors),
            SetupRefusal.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: detail),
            SetupRefusal.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: detail,
                extensions: new Dictionary<string, object?> { ["errors"] = errors.ToDictionary() }),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The change conflicts with the current state.", detail: detail,
                extensions: new Dictionary<string, object?> { ["errors"] = errors.ToDictionary() }),
        };
    }

    private static IResult NoNode() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: "Your account is not bound to a node of the city.");

    private static (TeamDraft Draft, FieldErrors Errors) ToDraft(TeamRequest body)
    {
        var errors = new FieldErrors();
        var type = errors.Enum<TeamType>("type", body.Type, required: false);
        var members = (body.Members ?? []).Select((m, i) => new MemberDraft(
            m?.Name, errors.Enum<MemberRole>($"members[{i}].role", m?.Role, required: false), m?.Phone)).ToList();
        GeoPoint? position = null;
        if (body.Position is { Lat: { } lat, Lon: { } lon })
        {
            position = new GeoPoint(lat, lon);
        }
        else if (body.Position is not null)
        {
            errors.Add("position", "position needs both lat and lon.");
        }

        return (new TeamDraft(body.Code, body.Name, type, body.NodeCode, members, position), errors);
    }

    private static (PolicyDraft Draft, FieldErrors Errors) ToDraft(PolicyRequest body, ReferenceData reference)
    {
        var errors = new FieldErrors();
        var baseVersion = body.BaseVersion ?? reference.CurrentPolicy.Version;
        var effectiveFrom = errors.Time("effectiveFrom", body.EffectiveFrom, required: false);
        if (body.Deadlines is null or { Count: 0 })
        {
            errors.Add("deadlines", "deadlines is required: one rule per top-level category × severity, and any overrides.");
        }

        var deadlines = new List<DeadlineDraft>();
        foreach (var (row, i) in (body.Deadlines ?? []).Select((row, i) => (row, i)))
        {
            var field = $"deadlines[{i}]";
            var severity = errors.Enum<Severity>($"{field}.severity", row?.Severity, required: true);
            if (string.IsNullOrWhiteSpace(row?.Category))
            {
                errors.Add($"{field}.category", "category is required.");
            }

            int Minutes(int? value, string name)
            {
                if (value is null)
                {
                    errors.Add($"{field}.{name}", $"{name} is required.");
                }

                return value ?? 0;
            }

            var minutes = (
                Minutes(row?.AcknowledgeMinutes, "acknowledgeMinutes"), Minutes(row?.DispatchMinutes, "dispatchMinutes"),
                Minutes(row?.HandleMinutes, "handleMinutes"), Minutes(row?.VerifyMinutes, "verifyMinutes"));
            if (severity is { } known && !string.IsNullOrWhiteSpace(row?.Category))
            {
                deadlines.Add(new DeadlineDraft(row.Category.Trim(), known, minutes.Item1, minutes.Item2, minutes.Item3, minutes.Item4));
            }
        }

        var limits = Keyed<Severity>(body.LateReportLimitMinutes, "lateReportLimitMinutes", errors);
        var cadence = Keyed<PetitionStage>(body.Petition?.FollowUpCadenceMinutes, "petition.followUpCadenceMinutes", errors);
        var notifications = body.Notifications is { } asked
            ? Notifications(asked, reference.Policies.FirstOrDefault(p => p.Version == baseVersion)?.Notifications ?? reference.CurrentPolicy.Notifications, errors)
            : null;
        return (new PolicyDraft(baseVersion, body.Name, effectiveFrom, deadlines, limits, cadence, notifications), errors);
    }

    /// <summary>The notifications section asked for, each field left out taken from the base version's.</summary>
    private static NotificationPolicy Notifications(NotificationPolicyRequest asked, NotificationPolicy based, FieldErrors errors)
    {
        static TimeSpan Minutes(int? minutes, TimeSpan based) => minutes is { } value ? TimeSpan.FromMinutes(value) : based;

        return new NotificationPolicy(
            asked.AlertRaised ?? based.AlertRaised,
            errors.Enum<Severity>("notifications.minimumSeverity", asked.MinimumSeverity, required: false) ?? based.MinimumSeverity,
            asked.Escalated ?? based.Escalated,
            asked.PetitionWarning ?? based.PetitionWarning,
            asked.LateReportCharged ?? based.LateReportCharged,
            asked.SilentGrid ?? based.SilentGrid,
            Minutes(asked.SilentGridAfterMinutes, based.SilentGridAfter),
            asked.Reminders ?? based.Reminders,
            Minutes(asked.RemindAfterMinutes, based.RemindAfter),
            Minutes(asked.NextRungAfterMinutes, based.NextRungAfter));
    }

    private static Dictionary<TKey, int> Keyed<TKey>(Dictionary<string, int>? values, string field, FieldErrors errors)
        where TKey : struct, Enum
    {
        var keyed = new Dictionary<TKey, int>();
        foreach (var (name, minutes) in values ?? [])
        {
            if (errors.Enum<TKey>($"{field}.{name}", name, required: true) is { } key)
            {
                keyed[key] = minutes;
            }
        }

        return keyed;
    }
}
