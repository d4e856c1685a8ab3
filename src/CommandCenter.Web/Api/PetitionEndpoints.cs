using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Web.Access;
using CommandCenter.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Api;

public static class PetitionEndpoints
{
    private const int TextMaxLength = 2000;

    public static RouteGroupBuilder MapPetitionEndpoints(this RouteGroupBuilder api)
    {
        var petitions = api.MapGroup("/petition-warnings").WithTags("Petition warnings");
        petitions.MapPost("/", PostAsync)
            .AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(RateLimits.Ingest)
            .Accepts<PetitionWarningRequest>("application/json")
            .Produces<PetitionWarningDto>(StatusCodes.Status201Created)
            .Produces<PetitionWarningDto>(StatusCodes.Status200OK)
            .ProducesValidationProblem();
        petitions.MapPost("/{id:guid}/follow-ups", PostFollowUpAsync)
            .AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(RateLimits.Ingest)
            .Accepts<FollowUpRequest>("application/json")
            .Produces<PetitionWarningDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        petitions.MapGet("/{id:guid}", GetAsync).AddEndpointFilter<ReadAccessFilter>();
        petitions.MapGet("/", ListAsync).AddEndpointFilter<ReadAccessFilter>();
        return api;
    }

    private static async Task<IResult> PostAsync(HttpRequest request, PetitionService service, ReferenceData reference, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<PetitionWarningRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var source = errors.Enum<AlertSource>("source", body!.Source, required: true);
        var externalId = errors.Required("externalId", body.ExternalId, IngestionLimits.ExternalIdMaxLength);
        var origin = errors.Required("originCode", body.OriginCode, 15);
        if (origin is not null && reference.Map.Find(origin) is not { Level: NodeLevel.Community or NodeLevel.Grid })
        {
            errors.Add("originCode", $"'{origin}' is not a community or grid code.");
        }

        var destination = errors.Required("destination", body.Destination, 100);
        var subject = errors.Required("subject", body.Subject, IngestionLimits.TitleMaxLength);
        Headcount(errors, "estimatedHeadcount", body.EstimatedHeadcount, required: true);
        var attention = errors.Enum<AttentionLevel>("attentionLevel", body.AttentionLevel, required: false);
        var stage = errors.Enum<PetitionStage>("stage", body.Stage, required: false);
        if (stage == PetitionStage.Defused)
        {
            errors.Add("stage", "A new warning cannot start defused.");
        }

        var reporter = Reporter(errors, body.Reporter);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        if (ApiKeyFilter.ForbidOtherSource(request.HttpContext, source!.Value) is { } forbidden)
        {
            return forbidden;
        }

        var result = await service.OpenAsync(
            new NewPetitionWarning(source!.Value, externalId!, origin!, destination!, subject!, body.EstimatedHeadcount!.Value,
                attention ?? AttentionLevel.Normal, stage ?? PetitionStage.Brewing, reporter),
            new Actor($"api:{source.Value.ToString().ToLowerInvariant()}", "api"), ct);
        var dto = PetitionWarningDto.From(result.Warning, reference);
        return result.Created ? TypedResults.Created($"/api/v1/petition-warnings/{dto.Id}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<IResult> PostFollowUpAsync(Guid id, HttpRequest request, PetitionService service, ReferenceData reference, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<FollowUpRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var text = errors.Required("text", body!.Text, TextMaxLength);
        var stage = errors.Enum<PetitionStage>("stage", body.Stage, required: false);
        Headcount(errors, "estimatedHeadcount", body.EstimatedHeadcount, required: false);
        var attention = errors.Enum<AttentionLevel>("attentionLevel", body.AttentionLevel, required: false);
        var reporter = Reporter(errors, body.Reporter);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        var warning = await service.AddFollowUpAsync(id, new NewFollowUp(text!, stage, body.EstimatedHeadcount, attention, reporter), Actor(reporter), ct);
        return warning is null ? NotFound(id) : TypedResults.Ok(PetitionWarningDto.From(warning, reference));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var warning = await db.PetitionWarnings.AsNoTracking().Include(w => w.FollowUps).FirstOrDefaultAsync(w => w.Id == id, ct);
        var scope = ReadAccessFilter.Scope(http);
        return warning switch
        {
            null => NotFound(id),
            _ when !scope.Covers(warning.OriginCode, warning.Source, reference.Map) => scope.Forbidden($"Petition warning {id}"),
            _ => TypedResults.Ok(PetitionWarningDto.From(warning, reference)),
        };
    }

    private static async Task<IResult> ListAsync(
        string? townCode, string? active, HttpContext http, IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, CancellationToken ct)
    {
        var scope = ReadAccessFilter.Scope(http);
        var errors = new FieldErrors();
        if (townCode is not null && reference.Map.Find(townCode) is not { Level: NodeLevel.Town })
        {
            errors.Add("townCode", $"'{townCode}' is not a town code.");
        }

        bool? activeFilter = null;
        if (active is not null)
        {
            if (bool.TryParse(active, out var parsed))
            {
                activeFilter = parsed;
            }
            else
            {
                errors.Add("active", "active must be true or false.");
            }
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
        var query = db.PetitionWarnings.AsNoTracking().Include(w => w.FollowUps).AsQueryable().InSubtree(scope.Node);
        if (scope.Source is { } source)
        {
            query = query.Where(w => w.Source == source);
        }

        if (townCode is not null)
        {
            query = query.Where(w => w.TownCode == townCode);
        }

        if (activeFilter is { } wantActive)
        {
            query = wantActive ? query.Where(w => w.Stage != PetitionStage.Defused) : query.Where(w => w.Stage == PetitionStage.Defused);
        }

        var list = await query.OrderByDescending(w => w.ReportedAt).Take(AlertEndpoints.MaxLimit).ToListAsync(ct);
        return TypedResults.Ok(list.Select(w => PetitionWarningDto.From(w, reference)).ToList());
    }

    private static void Headcount(FieldErrors errors, string field, int? value, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, $"{field} is required.");
            }
        }
        else if (value is < 1 or > 100_000)
        {
            errors.Add(field, $"{field} must be between 1 and 100000.");
        }
    }

    private static Person? Reporter(FieldErrors errors, PersonDto? reporter)
    {
        if (reporter is null)
        {
            return null;
        }

        var name = errors.Required("reporter.name", reporter.Name, IngestionLimits.NameMaxLength);
        var phone = errors.Optional("reporter.phone", reporter.Phone, IngestionLimits.PhoneMaxLength);
        return name is null ? null : new Person(name, phone);
    }

    private static Actor Actor(Person? reporter) => new(reporter is null ? "api" : $"api:{reporter.Name}", "api");

    private static IResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such petition warning.", detail: $"Petition warning {id} does not exist.");
}
