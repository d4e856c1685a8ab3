using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Web.Access;
using Microsoft.EntityFrameworkCore;

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
        admin.MapPost("/api-keys", CreateKeyAsync);
        admin.MapGet("/api-keys", async (IDbContextFactory<CommandCenterDbContext> contexts, CancellationToken ct) =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
            return TypedResults.Ok(keys.Select(k => new ApiKeyDto(k.Id, k.Source, k.Name, k.CreatedAt, k.CreatedBy, k.RevokedAt)).ToList());
        });
        admin.MapDelete("/api-keys/{id:guid}", async (Guid id, IDbContextFactory<CommandCenterDbContext> contexts, TimeProvider time, CancellationToken ct) =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
            if (key is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such API key.");
            }

            key.RevokedAt ??= time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return Results.NoContent();
        });
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
        var (record, key) = await keys.CreateAsync(source!.Value, name!, admin.DisplayName, ct);
        return TypedResults.Created($"/api/v1/admin/api-keys/{record.Id}", new CreatedApiKeyDto(record.Id, source.Value, record.Name, key, record.CreatedAt));
    }
}
