using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Web.Access;
using CommandCenter.Web.Hosting;

namespace CommandCenter.Web.Api;

public sealed record CheckInRequest(string? WorkerName);

public sealed record CheckInDto(string GridCode, string WorkerName, DateTimeOffset At, bool GridIsSilent);

/// <summary>
/// Grid workers' check-ins (网格员签到) from their app: "I am here and all is well". A check-in keeps a quiet grid from
/// counting as silent, and ends a silence at once.
/// </summary>
public static class CheckInEndpoints
{
    public static RouteGroupBuilder MapCheckInEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/grids/{code}/check-ins", PostAsync)
            .WithTags("Grid activity")
            .AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(RateLimits.Ingest)
            .Accepts<CheckInRequest>("application/json")
            .Produces<CheckInDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A grid worker checks in (grid workers' app key only).");
        return api;
    }

    private static async Task<IResult> PostAsync(string code, HttpRequest request, GridActivityService activity, ReferenceData reference, CancellationToken ct)
    {
        if (ApiKeyFilter.ForbidOtherSource(request.HttpContext, AlertSource.GridWorker) is { } forbidden)
        {
            return forbidden;
        }

        if (reference.Map.Find(code) is not { Level: NodeLevel.Grid })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such grid.", detail: $"'{code}' is not a grid code. Nothing was stored.");
        }

        var (body, problem) = await JsonBody.ReadAsync<CheckInRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var worker = errors.Required("workerName", body!.WorkerName, IngestionLimits.NameMaxLength);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        // The grid and the name were checked above; the service's own rule check is the last line, answered at the edge.
        var checkIn = await activity.CheckInAsync(code, worker!, ct);
        var dto = new CheckInDto(checkIn.GridCode, checkIn.WorkerName, checkIn.At, activity.SilentGridCodes.Contains(code));
        return TypedResults.Created($"/api/v1/grids/{code}", dto);
    }
}
