using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// The one mapping from exceptions to RFC 7807 answers, at the edge: endpoints validate their input and answer it
/// themselves, and let the domain's refusals through to here. A role or jurisdiction refusal is 403, someone else
/// changing an alert first is 409 with who holds it and since when, a broken domain rule is 409, a request the
/// framework could not bind keeps its own status (400/413), a store out of reach is 503 with Retry-After; anything
/// else is a 500 without a stack trace.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>How long a client waits before sending a request again that failed because the store was out of reach.</summary>
    private const string RetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var details = Map(exception);
        if (details.Status >= StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        }

        context.Response.StatusCode = details.Status!.Value;
        if (details.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = details }))
        {
            // A client whose Accept leaves out JSON still gets the reason, as an endpoint's own problem result would give it.
            await context.Response.WriteAsJsonAsync(details, options: null, contentType: "application/problem+json", cancellationToken);
        }

        return true;
    }

    private static ProblemDetails Map(Exception exception) => exception switch
    {
        BadHttpRequestException bad => Problem(bad.StatusCode, "The request is malformed.", bad.Message),
        WorkflowDeniedException denied => Problem(StatusCodes.Status403Forbidden, "Not allowed.", denied.Message),
        AlertConflictException conflict => Problem(StatusCodes.Status409Conflict, "Someone else got there first.", conflict.Message, new()
        {
            ["holder"] = conflict.Holder,
            ["since"] = conflict.Since,
        }),
        Infrastructure.NoCityException noCity => Problem(StatusCodes.Status409Conflict, "No city map has been imported yet.", noCity.Message),
        DomainRuleException rule => Problem(StatusCodes.Status409Conflict, "The request breaks a rule.", rule.Message),
        _ when Infrastructure.Persistence.StoreErrors.IsUnavailable(exception) => Problem(StatusCodes.Status503ServiceUnavailable,
            "The store cannot be reached right now.", "Nothing from this request was stored; send it again in a few seconds."),
        _ => Problem(StatusCodes.Status500InternalServerError, "Something went wrong on our side.", "The error was logged; nothing from this request was stored."),
    };

    private static ProblemDetails Problem(int status, string title, string detail, Dictionary<string, object?>? extensions = null) => new()
    {
        Status = status,
        Title = title,
        Detail = detail,
        Extensions = extensions ?? [],
    };
}
