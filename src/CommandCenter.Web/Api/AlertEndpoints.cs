using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Web.Access;
using CommandCenter.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Api;

public static class AlertEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    private static readonly Dictionary<string, Severity> ChineseSeverities = new(StringComparer.Ordinal)
    {
        ["一般"] = Severity.General,
        ["较大"] = Severity.Major,
        ["重大"] = Severity.Serious,
        ["特别重大"] = Severity.Critical,
    };

    public static RouteGroupBuilder MapAlertEndpoints(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/alerts").WithTags("Alerts");
        alerts.MapPost("/", PostAsync)
            .AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(RateLimits.Ingest)
            .WithMetadata(LoggedByItsService.Instance)
            .Accepts<AlertReportRequest>("application/json")
            .Produces<AlertDto>(StatusCodes.Status201Created)
            .Produces<AlertDto>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Report a grid event. Idempotent on (source, externalId); repeats in the same grid and category merge.");
        alerts.MapGet("/{id:guid}", GetAsync).WithName("GetAlert").AddEndpointFilter<ReadAccessFilter>()
            .WithSummary("One alert, when it is in the caller's jurisdiction (signed in) or was reported by the caller's system (API key).");
        alerts.MapGet("/", ListAsync).AddEndpointFilter<ReadAccessFilter>()
            .WithSummary("Newest first, within what the caller may read.");
        return api;
    }

    private static async Task<IResult> PostAsync(
        HttpRequest request, AlertIngestionService ingestion, ReferenceData reference, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<AlertReportRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var report = Validate(body!, errors, reference, time.GetUtcNow());
        if (report is null)
        {
            return JsonBody.Invalid(errors);
        }

        if (ApiKeyFilter.ForbidOtherSource(request.HttpContext, report.Source) is { } forbidden)
        {
            return forbidden;
        }

        var result = await ingestion.IngestAsync(report, new Actor($"api:{report.Source.ToString().ToLowerInvariant()}", "api"), ct);
        var dto = AlertDto.From(result.Alert, reference);
        request.HttpContext.Response.Headers["X-Ingest-Outcome"] = result.Outcome.ToString();
        return result.Outcome == IngestOutcome.Created
            ? TypedResults.Created($"/api/v1/alerts/{dto.Id}", dto)
            : TypedResults.Ok(dto);
    }

    private static async Task<IResult> GetAsync(
        Guid id, HttpContext http, IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        var scope = ReadAccessFilter.Scope(http);
        return alert switch
        {
            null => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert.", detail: $"Alert {id} does not exist."),
            _ when !scope.Covers(alert.GridCode, alert.Source, reference.Map) => scope.Forbidden($"Alert {id}"),
            _ => TypedResults.Ok(AlertDto.From(alert, reference)),
        };
    }

    private static async Task<IResult> ListAsync(
        string? townCode, string? state, string? since, string? limit,
        HttpContext http, IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, CancellationToken ct)
    {
        var scope = ReadAccessFilter.Scope(http);
        var errors = new FieldErrors();
        if (townCode is not null && reference.Map.Find(townCode) is not { Level: NodeLevel.Town })
        {
            errors.Add("townCode", $"'{townCode}' is not a town code.");
        }

        var stateFilter = errors.Enum<AlertState>("state", state, required: false);
        var sinceFilter = errors.Time("since", since, required: false);
        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
        {
            errors.Add("limit", $"limit must be a whole number between 1 and {MaxLimit}.");
        }

        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        if (townCode is not null && !reference.Map.IsWithin(townCode, scope.Node.Code) && !reference.Map.IsWithin(scope.Node.Code, townCode))
        {
            return scope.Forbidden($"Town {townCode}");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Alerts.AsNoTracking().InSubtree(scope.Node);
        if (scope.Source is { } source)
        {
            query = query.Where(a => a.Source == source);
        }

        if (townCode is not null)
        {
            query = query.Where(a => a.TownCode == townCode);
        }

        if (stateFilter is { } s)
        {
            query = query.Where(a => a.State == s);
        }

        if (sinceFilter is { } from)
        {
            query = query.Where(a => a.ReportedAt >= from);
        }

        var page = await query.OrderByDescending(a => a.ReportedAt).Take(take).ToListAsync(ct);
        return TypedResults.Ok(page.Select(a => AlertDto.From(a, reference)).ToList());
    }

    /// <summary>How far a reported point may lie outside the grid it names: GPS on a grid border drifts.</summary>
    private static readonly (double Degrees, double TotalMeters) GridTolerance = (0.001, 100);

    /// <summary>Every check of an incoming report, each failure named by its field. Null when anything is wrong.</summary>
    internal static NewAlertReport? Validate(AlertReportRequest body, FieldErrors errors, ReferenceData reference, DateTimeOffset now)
    {
        var source = errors.Enum<AlertSource>("source", body.Source, required: true);
        var externalId = errors.Required("externalId", body.ExternalId, IngestionLimits.ExternalIdMaxLength);
        var category = errors.Required("category", body.Category, 20);
        if (category is not null && reference.Categories.Find(category) is null)
        {
            errors.Add("category", $"'{category}' is not a known category code; GET /api/v1/categories lists them.");
        }

        var severity = errors.Enum("severity", body.Severity, required: true, ChineseSeverities);
        var gridCode = errors.Optional("gridCode", body.GridCode, 15);
        if (gridCode is not null && reference.Map.Find(gridCode) is not { Level: NodeLevel.Grid })
        {
            errors.Add("gridCode", $"'{gridCode}' is not a known grid code.");
        }

        var location = Location(errors, body.Location, reference);
        if (gridCode is null && body.Location is null)
        {
            errors.Add("gridCode", "Give gridCode or location.");
        }
        else if (gridCode is not null && location is not null && !errors.Any && !NearGrid(reference, gridCode, location))
        {
            errors.Add("location", $"The point ({location.Latitude}, {location.Longitude}) is not in grid {gridCode} (more than {GridTolerance.TotalMeters:F0} m from it).");
        }

        var occurredAt = errors.Time("occurredAt", body.OccurredAt, required: true);
        if (occurredAt > now + IngestionLimits.ClockSkew)
        {
            errors.Add("occurredAt", $"occurredAt is in the future ({occurredAt:O}; now {now:O}).");
        }
        else if (occurredAt < now - IngestionLimits.MaxAge)
        {
            errors.Add("occurredAt", $"occurredAt is more than {IngestionLimits.MaxAge.TotalDays:F0} days ago.");
        }

        var title = errors.Required("title", body.Title, IngestionLimits.TitleMaxLength);
        var description = errors.Optional("description", body.Description, IngestionLimits.DescriptionMaxLength);
        Person? reporter = null;
        if (body.Reporter is { } r)
        {
            var name = errors.Required("reporter.name", r.Name, IngestionLimits.NameMaxLength);
            var phone = errors.Optional("reporter.phone", r.Phone, IngestionLimits.PhoneMaxLength);
            reporter = name is null ? null : new Person(name, phone);
        }

        return errors.Any
            ? null
            : new NewAlertReport(source!.Value, externalId!, category!, severity!.Value, gridCode, location, occurredAt!.Value.TruncateToMilliseconds(), title!, description, reporter);
    }

    private static GeoPoint? Location(FieldErrors errors, LocationDto? given, ReferenceData reference)
    {
        if (given is null)
        {
            return null;
        }

        var latOk = given.Lat is { } lat && double.IsFinite(lat) && lat is >= -90 and <= 90;
        var lonOk = given.Lon is { } lon && double.IsFinite(lon) && lon is >= -180 and <= 180;
        if (!latOk)
        {
            errors.Add("location.lat", "location.lat is required, between -90 and 90.");
        }

        if (!lonOk)
        {
            errors.Add("location.lon", "location.lon is required, between -180 and 180.");
        }

        if (!latOk || !lonOk)
        {
            return null;
        }

        if (!reference.Map.IsInsideCity(given.Lat!.Value, given.Lon!.Value))
        {
            errors.Add("location", $"The point ({given.Lat}, {given.Lon}) is outside {reference.Map.City.Name}.");
            return null;
        }

        return new GeoPoint(given.Lat.Value, given.Lon.Value);
    }

    private static bool NearGrid(ReferenceData reference, string gridCode, GeoPoint point)
    {
        var grid = reference.Map.Find(gridCode)!;
        var at = grid.Boundary.Factory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(point.Longitude, point.Latitude));
        return grid.Boundary.IsWithinDistance(at, GridTolerance.Degrees);
    }
}
