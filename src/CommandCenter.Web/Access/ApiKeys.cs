using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Access;

/// <summary>Who an API key belongs to: the source system whose <c>source</c> value it may post as.</summary>
public sealed record ApiCaller(AlertSource Source, string KeyName);

/// <summary>
/// Ingestion API keys, sent as <c>X-Api-Key</c>: from configuration (<c>Ingestion:ApiKeys:{source}</c>) and from keys
/// an Admin created (only their SHA-256 is stored). Comparison is constant-time.
/// </summary>
public sealed class ApiKeys(IConfiguration configuration, IDbContextFactory<CommandCenterDbContext> contexts, TimeProvider time)
{
    public const string Header = "X-Api-Key";

    // Each configured key is hashed once, not on every report posted; keyed by the value, so a changed key is hashed when first seen.
    private readonly ConcurrentDictionary<string, byte[]> _configuredHashes = new(StringComparer.Ordinal);

    public async Task<ApiCaller?> IdentifyAsync(string? presented, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 200)
        {
            return null;
        }

        var hash = HashBytes(presented);
        foreach (var entry in configuration.GetSection("Ingestion:ApiKeys").GetChildren())
        {
            if (entry.Value is { Length: > 0 } configured
                && CryptographicOperations.FixedTimeEquals(_configuredHashes.GetOrAdd(configured, HashBytes), hash)
                && Enum.TryParse<AlertSource>(entry.Key, ignoreCase: true, out var source))
            {
                return new ApiCaller(source, $"config:{entry.Key}");
            }
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var hex = Convert.ToHexString(hash);
        var stored = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hex && k.RevokedAt == null, ct);
        return stored is not null && Enum.TryParse<AlertSource>(stored.Source, ignoreCase: true, out var storedSource)
            ? new ApiCaller(storedSource, stored.Name)
            : null;
    }

    /// <summary>
    /// Creates a key for <paramref name="source"/>, with its audit entry in the same save; the returned plain key is
    /// shown once and never stored.
    /// </summary>
    public async Task<(ApiKeyRecord Record, string Key)> CreateAsync(AlertSource source, string name, Actor by, CancellationToken ct)
    {
        var key = "cc_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow();
        var record = new ApiKeyRecord
        {
            Id = Guid.CreateVersion7(now),
            Source = source.ToString(),
            Name = name,
            Hash = Hash(key),
            CreatedAt = now,
            CreatedBy = by.Name,
        };
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.ApiKeys.Add(record);
        db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.ApiKey, record.Id.ToString(), AuditAction.ApiKeyCreated, by, now,
            AdminTexts.Neutral("AuditC_KeyCreated", name, AdminTexts.Neutral($"Source_{source}"))));
        await db.SaveChangesAsync(ct);
        return (record, key);
    }

    /// <summary>Every key an Admin created, oldest first; the keys themselves are not stored, only their hashes.</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
    }

    /// <summary>
    /// Revokes a key at once (the next request with it is refused); null when there is no such key. Revoking a
    /// revoked key changes nothing and writes no second audit entry.
    /// </summary>
    public async Task<ApiKeyRecord?> RevokeAsync(Guid id, Actor by, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || key.RevokedAt is not null)
        {
            return key;
        }

        key.RevokedAt = time.GetUtcNow();
        db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.ApiKey, key.Id.ToString(), AuditAction.ApiKeyRevoked, by, key.RevokedAt.Value,
            AdminTexts.Neutral("AuditC_KeyRevoked", key.Name, AdminTexts.Neutral($"Source_{key.Source}"))));
        await db.SaveChangesAsync(ct);
        return key;
    }

    private static string Hash(string key) => Convert.ToHexString(HashBytes(key));

    private static byte[] HashBytes(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>Requires a valid <c>X-Api-Key</c> (401 otherwise) and hands the caller to the endpoint.</summary>
public sealed class ApiKeyFilter(ApiKeys keys) : IEndpointFilter
{
    public const string CallerItem = "cc:api-caller";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = await keys.IdentifyAsync(http.Request.Headers[ApiKeys.Header], http.RequestAborted);
        if (caller is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "A valid API key is required.",
                detail: $"Send the key issued to your system in the {ApiKeys.Header} header. Nothing was stored.");
        }

        http.Items[CallerItem] = caller;
        return await next(context);
    }

    /// <summary>The caller identified by the filter.</summary>
    public static ApiCaller Caller(HttpContext http) => (ApiCaller)http.Items[CallerItem]!;

    /// <summary>403 when a key posts as another system's <c>source</c>.</summary>
    public static IResult? ForbidOtherSource(HttpContext http, AlertSource source)
    {
        var caller = Caller(http);
        return caller.Source == source ? null : TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "This API key may not post for that source.",
            detail: $"The key '{caller.KeyName}' belongs to source '{caller.Source}', not '{source}'. Nothing was stored.");
    }
}
