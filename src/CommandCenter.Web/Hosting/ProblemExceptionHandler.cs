using CommandCenter.Core;
using Microsoft.AspNetCore.Diagnostics;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// The last line at the edge: a request the framework could not bind (400/413), or a domain rule broken past the
/// endpoint's own checks (409), answers problem details with the reason; anything else is a 500 without a stack trace.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "The request is malformed.", bad.Message),
            DomainRuleException rule => (StatusCodes.Status409Conflict, "The request breaks a rule.", rule.Message),
            _ => (StatusCodes.Status500InternalServerError, "Something went wrong on our side.", "The error was logged; nothing from this request was stored."),
        };
        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
