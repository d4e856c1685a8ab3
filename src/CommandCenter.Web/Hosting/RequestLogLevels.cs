using Serilog.Events;

namespace CommandCenter.Web.Hosting;

/// <summary>Marks an endpoint whose service logs each call itself, with more to say than the request line.</summary>
public sealed class LoggedByItsService
{
    public static readonly LoggedByItsService Instance = new();

    private LoggedByItsService()
    {
    }
}

/// <summary>
/// The level of each request's log line. A report posted to the API is logged once, by ingestion (alert, outcome,
/// source, external id, grid); its request line would say it again for every report — at 2,000 reports a second,
/// 2,000 more lines — so it drops to Debug unless the call failed or was slow. Everything else logs as Serilog's
/// default does.
/// </summary>
public static class RequestLogLevels
{
    /// <summary>A call to an endpoint that logs itself still gets its request line when it took this long.</summary>
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    public static LogEventLevel For(HttpContext http, double elapsedMilliseconds, Exception? error)
    {
        if (error is not null || http.Response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            return LogEventLevel.Error;
        }

        var loggedByService = http.GetEndpoint()?.Metadata.GetMetadata<LoggedByItsService>() is not null;
        var succeeded = http.Response.StatusCode is >= StatusCodes.Status200OK and < StatusCodes.Status300MultipleChoices;
        return loggedByService && succeeded && elapsedMilliseconds < Slow.TotalMilliseconds
            ? LogEventLevel.Debug
            : LogEventLevel.Information;
    }
}
