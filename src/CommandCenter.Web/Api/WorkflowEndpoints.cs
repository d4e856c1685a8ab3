using System.Text.Json;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Web.Access;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Api;

public sealed record ActionRequest(string? Comment);

public sealed record BulkAcknowledgeRequest(IReadOnlyList<Guid>? AlertIds, string? Comment);

public sealed record TimelineEntryDto(DateTimeOffset At, string Action, string Actor, string? Seat, string? FromState, string? ToState, string? Comment, DateTimeOffset? Deadline);

/// <summary>Staff working alerts (signed in, Staff or above): each action checks role, jurisdiction and state on the server.</summary>
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

        try
        {
            var alert = await workflow.ApplyAsync(id, parsed, request.HttpContext.User.ToOperator()!, comment.Text, ct);
            return alert is null
                ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert.", detail: $"Alert {id} does not exist.")
                : TypedResults.Ok(AlertDto.From(alert, reference));
        }
        catch (WorkflowDeniedException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: ex.Message);
        }
        catch (AlertConflictException ex)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Someone else got there first.",
                detail: ex.Message,
                extensions: new Dictionary<string, object?> { ["holder"] = ex.Holder, ["since"] = ex.Since });
        }
        catch (DomainRuleException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The alert is not in a state for that.", detail: ex.Message);
        }
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
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert.");
        }

        if (!reference.Map.IsWithin(alert.GridCode, http.User.ToOperator()!.NodeCode))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: $"Alert {id} is outside your jurisdiction.");
        }

        var subject = id.ToString();
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Subject == Core.Audit.AuditSubject.Alert && e.SubjectId == subject)
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new TimelineEntryDto(e.At, e.Action, e.Actor, e.Seat, e.FromState, e.ToState, e.Comment, e.Deadline))
            .ToListAsync(ct);
        return TypedResults.Ok(entries);
    }

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
