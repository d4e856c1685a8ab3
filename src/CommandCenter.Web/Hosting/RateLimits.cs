using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Hosting;

/// <summary>Settings under <c>RateLimits</c>: how fast one address may try passwords and one API key may post.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sign-in attempts (form posts) per client address and minute, whatever the accounts tried.</summary>
    public int SignInPerMinute { get; set; } = 10;

    /// <summary>Reports, follow-ups, check-ins and team statuses per API key and second, sustained.</summary>
    public int IngestPerKeyPerSecond { get; set; } = 500;

    /// <summary>What one key may post at once above the sustained rate: a storm's first seconds.</summary>
    public int IngestBurst { get; set; } = 1_000;

    /// <summary><c>Subscribe</c> calls per hub connection and minute (a wall changes scope a few times an hour).</summary>
    public int HubSubscribesPerMinute { get; set; } = 30;
}

/// <summary>
/// ASP.NET Core's rate limiter, two policies: <see cref="SignIn"/> per client address (form posts only; showing the
/// page is free) and <see cref="Ingest"/> per API key (a token bucket, so a storm's burst gets through). A refusal is
/// 429 with <c>Retry-After</c>: a plain page on sign-in, problem details on the API. The address is the browser's
/// when <c>ForwardedHeaders:KnownProxies</c> names the proxy in front.
/// </summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string Ingest = "ingest";

    public static IServiceCollection AddCommandCenterRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => o.SignInPerMinute > 0, "RateLimits:SignInPerMinute must be a positive number of attempts.")
            .Validate(o => o.IngestPerKeyPerSecond > 0, "RateLimits:IngestPerKeyPerSecond must be a positive number of requests.")
            .Validate(o => o.IngestBurst > 0, "RateLimits:IngestBurst must be a positive number of requests.")
            .Validate(o => o.HubSubscribesPerMinute > 0, "RateLimits:HubSubscribesPerMinute must be a positive number of calls.")
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(SignIn, context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("page");
                }

                var limit = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.SignInPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            limiter.AddPolicy(Ingest, context =>
            {
                // No key: the endpoint's own check answers 401. A key is partitioned by its hash, so keys are never
                // held in memory as they were sent; a wrong key gets a bucket of its own and then a 401.
                if (context.Request.Headers[ApiKeys.Header] is not [{ Length: > 0 and <= 200 } key])
                {
                    return RateLimitPartition.GetNoLimiter("no key");
                }

                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(
                    Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.IngestBurst,
                        TokensPerPeriod = options.IngestPerKeyPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimits));
        logger.LogWarning("Rate limit {Policy} refused {Method} {Path} from {ClientAddress}", policy ?? "?", context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress);
        if (policy == SignIn)
        {
            await WriteSignInPageAsync(context, seconds, ct);
            return;
        }

        await Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests for this API key.",
            detail: $"This key has posted faster than its limit; nothing of this request was stored. Retry after {seconds} s with the same externalId: a report sent again is stored once.")
            .ExecuteAsync(context);
    }

    /// <summary>A plain page in the reader's language: who is refused is a person at a sign-in form, not a program.</summary>
    private static Task WriteSignInPageAsync(HttpContext context, int seconds, CancellationToken ct)
    {
        var text = context.RequestServices.GetRequiredService<IStringLocalizer<UiText>>();
        var culture = CultureInfo.CurrentUICulture.Name;
        context.Response.ContentType = "text/html; charset=utf-8";
        var html = $"""
            <!DOCTYPE html>
            <html lang="{WebUtility.HtmlEncode(culture)}">
            <head><meta charset="utf-8" /><title>{WebUtility.HtmlEncode(text["SignIn_Title"])}</title></head>
            <body>
            <main class="signin">
            <p role="alert" data-testid="signin-too-many">{WebUtility.HtmlEncode(text["SignIn_TooMany", seconds])}</p>
            <p><a href="/signin">{WebUtility.HtmlEncode(text["SignIn_BackToForm"])}</a></p>
            </main>
            </body>
            </html>
            """;
        return context.Response.WriteAsync(html, ct);
    }
}
