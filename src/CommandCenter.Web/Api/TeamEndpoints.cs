using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Web.Access;
using CommandCenter.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Api;

public static class TeamEndpoints
{
    public static RouteGroupBuilder MapTeamEndpoints(this RouteGroupBuilder api)
    {
        var teams = api.MapGroup("/teams").WithTags("Teams");
        teams.MapGet("/", ListAsync).AddEndpointFilter<ReadAccessFilter>()
            .WithSummary("Signed in: the teams of your subtree and the teams above it that serve you. API key: every team.");
        teams.MapGet("/{code}", GetAsync).AddEndpointFilter<ReadAccessFilter>()
            .WithSummary("One team; a retired team is still found here (with retiredAt), as alerts' histories name it.");
        teams.MapPost("/{code}/status", PostStatusAsync)
            .AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(RateLimits.Ingest)
            .Accepts<TeamStatusRequest>("application/json")
            .Produces<TeamDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Report a team's new status (dispatching needs alertId), optionally with its position.");
        return api;
    }

    private static async Task<IResult> PostStatusAsync(string code, HttpRequest request, TeamService service, ReferenceData reference, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<TeamStatusRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var status = errors.Enum<TeamStatus>("status", body!.Status, required: true);
        if (status == TeamStatus.Dispatched && body.AlertId is null)
        {
            errors.Add("alertId", "alertId is required to dispatch a team.");
        }

        GeoPoint? position = null;
        if (body.Location is { Lat: { } lat, Lon: { } lon })
        {
            if (!reference.Map.IsInsideCity(lat, lon))
            {
                errors.Add("location", $"The point ({lat}, {lon}) is outside {reference.Map.City.Name}.");
            }

            position = new GeoPoint(lat, lon);
        }
        else if (body.Location is not null)
        {
            errors.Add("location", "location needs both lat and lon.");
        }

        var comment = errors.Optional("comment", body.Comment, 500);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        var team = await service.ChangeStatusAsync(code, new TeamStatusReport(status!.Value, body.AlertId, position, comment), new Actor($"api:team:{code}", "api"), ct);
        return team is null ? NotFound(code) : TypedResults.Ok(TeamDto.From(team));
    }

    private static async Task<IResult> GetAsync(string code, HttpContext http, IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Code == code, ct);
        var scope = ReadAccessFilter.Scope(http);
        return team switch
        {
            null => NotFound(code),
            _ when !Serves(scope, team, reference) => scope.Forbidden($"Team {code}"),
            _ => TypedResults.Ok(TeamDto.From(team)),
        };
    }

    private static async Task<IResult> ListAsync(string? nodeCode, HttpContext http, IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, CancellationToken ct)
    {
        var scope = ReadAccessFilter.Scope(http);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var teams = await db.Teams.AsNoTracking().Where(t => t.RetiredAt == null).OrderBy(t => t.Code).ToListAsync(ct);
        return TypedResults.Ok(teams
            .Where(t => Serves(scope, t, reference) && (nodeCode is null || reference.Map.IsWithin(t.NodeCode, nodeCode)))
            .Select(TeamDto.From)
            .ToList());
    }

    /// <summary>A person sees their subtree's teams and those above them (the town's and the city's serve them too).</summary>
    private static bool Serves(ReadScope scope, Team team, ReferenceData reference) =>
        scope.Source is not null
        || reference.Map.IsWithin(team.NodeCode, scope.Node.Code)
        || reference.Map.IsWithin(scope.Node.Code, team.NodeCode);

    private static IResult NotFound(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such team.", detail: $"Team '{code}' does not exist.");
}
