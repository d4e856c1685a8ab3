using System.Text.Json;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Web.Access;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Api;

public sealed record ActionRequest(string? Comment);

public sealed record BulkAcknowledgeRequest(IReadOnlyList<Guid>? AlertIds, string? Comment);

public sealed record DispatchRequest(IReadOnlyList<string>? TeamCodes, string? Comment);

public sealed record DeploymentStatusRequest(string? Status, string? Comment);

public sealed record DispatchCandidateDto(
    string TeamCode, string Name, TeamType Type, NodeLevel Level, string NodeCode, string? NodeName, TeamStatus Status,
    TeamReach Reach, double? DistanceMeters, bool CanDispatch, Guid? CurrentAlertId)
{
    public static DispatchCandidateDto From(DispatchCandidate c, ReferenceData reference) => new(
        c.Team.Code, c.Team.Name, c.Team.Type, c.Team.Level, c.Team.NodeCode, reference.Map.Find(c.Team.NodeCode)?.Name, c.Team.Status,
        c.Reach, c.DistanceMeters is { } d ? Math.Round(d) : null, c.CanDispatch, c.Team.CurrentAlertId);
}

public sealed record DispatchResultDto(AlertDto Alert, IReadOnlyList<TeamDispatchOutcome> Teams);

public sealed record TimelineEntryDto(DateTimeOffset At, string Action, string Actor, string? Seat, string? FromState, string? ToState, string? Comment, DateTimeOffset? Deadline);

/// <summary>
/// Staff working alerts (signed in, Staff or above): each action checks role, jurisdiction and state on the server.
/// A refusal (403), someone else first (409, with who holds it) or a state rule (409) is answered at the edge
/// (<see cref="Hosting.ProblemExceptionHandler"/>), the same way for every endpoint.
/// </summary>
public static class WorkflowEndpoints
{
    public static RouteGroupBuilder MapWorkflowEndpoints(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/alerts").WithTags("Workflow").RequireAuthorization(AccessPolicies.Staff);
        alerts.MapPost("/{id:guid}/actions/{action}", ApplyAsync)
            .Accepts<ActionRequest>("application/json")
            .Produces<AlertDto>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("acknowledge | unacknowledge | dispatch | start-handling | resolve | verify | send-back | void");
        alerts.MapPost("/acknowledge", AcknowledgeManyAsync).Accepts<BulkAcknowledgeRequest>("application/json");
        alerts.MapGet("/{id:guid}/timeline", TimelineAsync);
        alerts.MapGet("/{id:guid}/candidates", CandidatesAsync)
            .Produces<IReadOnlyList<DispatchCandidateDto>>()
            .WithSummary("The teams that serve the alert's place: dispatchable first, the alert's community first, then the nearest.");
        alerts.MapPost("/{id:guid}/dispatch", DispatchAsync)
            .Accepts<DispatchRequest>("application/json")
            .Produces<DispatchResultDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Send one or more teams: an acknowledged alert becomes Dispatched; one being worked is reinforced.");
        alerts.MapPost("/{id:guid}/deployments/{teamCode}/status", DeploymentStatusAsync)
            .Accepts<DeploymentStatusRequest>("application/json")
            .Produces<TeamDto>()
            .WithSummary("A team on the alert moves on: EnRoute | OnScene | Returning | Available.");
        return api;
    }

    private static async Task<IResult> ApplyAsync(
        Guid id, string action, HttpRequest request, AlertWorkflowService workflow, ReferenceData reference, CancellationToken ct)
    {
        if (!Enum.TryParse<AlertAction>(action.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            var errors = new FieldErrors();
            errors.Add("action", $"'{action}' is not an action; use one of: acknowledge, unacknowledge, dispatch, start-handling, resolve, verify, send-back, void.");
            return JsonBody.Invalid(errors);
        }

        var comment = await ReadCommentAsync(request, ct);
        if (comment.Problem is not null)
        {
            return comment.Problem;
        }

        var alert = await workflow.ApplyAsync(id, parsed, request.HttpContext.User.ToOperator()!, comment.Text, ct);
        return alert is null ? NoSuchAlert(id) : TypedResults.Ok(AlertDto.From(alert, reference));
    }

    private static async Task<IResult> CandidatesAsync(Guid id, HttpContext http, DispatchService dispatch, ReferenceData reference, CancellationToken ct) =>
        await dispatch.CandidatesAsync(id, http.User.ToOperator()!, ct) is { } found
            ? TypedResults.Ok(found.Candidates.Select(c => DispatchCandidateDto.From(c, reference)).ToList())
            : NoSuchAlert(id);

    private static async Task<IResult> DispatchAsync(Guid id, HttpRequest request, DispatchService dispatch, ReferenceData reference, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<DispatchRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        if (body!.TeamCodes is not { Count: > 0 and <= 20 } || body.TeamCodes.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("teamCodes", "teamCodes must list 1 to 20 team codes.");
        }

        var comment = errors.Optional("comment", body.Comment, 500);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        return await dispatch.DispatchAsync(id, [.. body.TeamCodes!.Select(c => c.Trim())], request.HttpContext.User.ToOperator()!, comment, ct) is { } outcome
            ? TypedResults.Ok(new DispatchResultDto(AlertDto.From(outcome.Alert, reference), outcome.Teams))
            : NoSuchAlert(id);
    }

    private static async Task<IResult> DeploymentStatusAsync(Guid id, string teamCode, HttpRequest request, DispatchService dispatch, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<DeploymentStatusRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var status = errors.Enum<TeamStatus>("status", body!.Status, required: true);
        var comment = errors.Optional("comment", body.Comment, 500);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        return await dispatch.UpdateDeploymentAsync(id, teamCode, status!.Value, request.HttpContext.User.ToOperator()!, comment, ct) is { } team
            ? TypedResults.Ok(TeamDto.From(team))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert or team.", detail: $"Alert {id} or team '{teamCode}' does not exist.");
    }

    private static async Task<IResult> AcknowledgeManyAsync(HttpRequest request, AlertWorkflowService workflow, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<BulkAcknowledgeRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        if (body!.AlertIds is not { Count: > 0 and <= 500 })
        {
            errors.Add("alertIds", "alertIds must list 1 to 500 alert ids.");
        }

        var comment = errors.Optional("comment", body.Comment, 500);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        return TypedResults.Ok(await workflow.AcknowledgeManyAsync([.. body.AlertIds!], request.HttpContext.User.ToOperator()!, comment, ct));
    }

    private static async Task<IResult> TimelineAsync(
        Guid id, HttpContext http, IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null)
        {
            return NoSuchAlert(id);
        }

        if (!reference.Map.IsWithin(alert.GridCode, http.User.ToOperator()!.NodeCode))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: $"Alert {id} is outside your jurisdiction.");
        }

        var subject = id.ToString();
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Subject == Core.Audit.AuditSubject.Alert && e.SubjectId == subject)
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new TimelineEntryDto(e.At, e.Action.ToString(), e.Actor, e.Seat, e.FromState, e.ToState, e.Comment, e.Deadline))
            .ToListAsync(ct);
        return TypedResults.Ok(entries);
    }

    private static IResult NoSuchAlert(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert.", detail: $"Alert {id} does not exist.");

    /// <summary>An action's body is optional: none, or <c>{"comment": "…"}</c>.</summary>
    private static async Task<(string? Text, IResult? Problem)> ReadCommentAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.HasJsonContentType()))
        {
            return (null, null);
        }

        var (body, problem) = await JsonBody.ReadAsync<ActionRequest>(request, ct);
        if (problem is not null)
        {
            return (null, problem);
        }

        var errors = new FieldErrors();
        var comment = errors.Optional("comment", body!.Comment, 500);
        return errors.Any ? (null, JsonBody.Invalid(errors)) : (comment, null);
    }
}
