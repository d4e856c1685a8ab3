using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Web.Access;

namespace CommandCenter.Web.Api;

public sealed record ApiKeyRequest(string? Source, string? Name);

/// <summary>The key itself appears only in the answer to its creation; afterwards only its name and source.</summary>
public sealed record CreatedApiKeyDto(Guid Id, AlertSource Source, string Name, string Key, DateTimeOffset CreatedAt);

public sealed record ApiKeyDto(Guid Id, string Source, string Name, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminEndpoints(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").WithTags("Admin").RequireAuthorization(AccessPolicies.Admin);

        // Keys let outside systems post for the whole city, so only city admins hand them out.
        var keys = admin.MapGroup("/api-keys").AddEndpointFilter<CityAdminFilter>();
        keys.MapPost("/", CreateKeyAsync);
        keys.MapGet("/", async (ApiKeys keys, CancellationToken ct) =>
            TypedResults.Ok((await keys.ListAsync(ct)).Select(k => new ApiKeyDto(k.Id, k.Source, k.Name, k.CreatedAt, k.CreatedBy, k.RevokedAt)).ToList()));
        keys.MapDelete("/{id:guid}", async (Guid id, HttpContext http, ApiKeys keys, CancellationToken ct) =>
            await keys.RevokeAsync(id, Actor.Of(http.User.ToOperator()!), ct) is null
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such API key.")
                : Results.NoContent());
        admin.MapUserEndpoints();
        admin.MapAuditEndpoints();
        return api;
    }

    private static async Task<IResult> CreateKeyAsync(HttpRequest request, ApiKeys keys, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<ApiKeyRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var source = errors.Enum<AlertSource>("source", body!.Source, required: true);
        var name = errors.Required("name", body.Name, 100);
        if (errors.Any)
        {
            return JsonBody.Invalid(errors);
        }

        var admin = request.HttpContext.User.ToOperator()!;
        var (record, key) = await keys.CreateAsync(source!.Value, name!, Actor.Of(admin), ct);
        return TypedResults.Created($"/api/v1/admin/api-keys/{record.Id}", new CreatedApiKeyDto(record.Id, source.Value, record.Name, key, record.CreatedAt));
    }
}

/// <summary>403 unless the caller is an Admin bound to the city node.</summary>
internal sealed class CityAdminFilter(AdminNodes nodes) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        nodes.IsCityAdmin(context.HttpContext.User.ToOperator())
            ? await next(context)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Not allowed.",
                detail: nodes.HasCity
                    ? "Only an administrator bound to the city node may do this."
                    : "No city map is imported yet, so there is no city administrator; import the city first.");
}
