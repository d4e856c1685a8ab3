using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure;
using CommandCenter.Web.Access;
using CommandCenter.Web.Api;
using CommandCenter.Web.Components;
using CommandCenter.Web.Hubs;
using CommandCenter.Web.Wall;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MudBlazor.Services;
using Microsoft.Extensions.Options;
using Serilog;

namespace CommandCenter.Web.Hosting;

/// <summary>Everything Program.cs wires, kept here so Program.cs stays a table of contents.</summary>
public static class HostingExtensions
{
    /// <summary>The UI speaks Chinese unless asked otherwise (<c>?culture=en</c>).</summary>
    public const string DefaultCulture = "zh-CN";

    public static WebApplicationBuilder AddCommandCenter(this WebApplicationBuilder builder)
    {
        // Run from the build output (dotnet run) in any environment, MudBlazor's and Blazor's files and the linked
        // assets are found through the build's static web assets manifest; only Development reads it by itself.
        // Published output has no such manifest and serves its own wwwroot: there this does nothing.
        builder.WebHost.UseStaticWebAssets();
        var services = builder.Services;
        services.AddSerilog((provider, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            // Formatting and writing happen on one background thread, not under the sinks' locks on request threads
            // (a burst of reports logs two lines each); when its queue is full, callers wait rather than lose lines.
            .WriteTo.Async(
                sinks =>
                {
                    sinks.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                    sinks.File(
                        // the data directory from the setting itself: the store's other settings are checked after the build
                        Path.Combine(StoreOptions.ResolveDataDir(builder.Configuration, builder.Environment.ContentRootPath), "logs", "commandcenter-.log"),
                        rollingInterval: RollingInterval.Day,
                        retainedFileCountLimit: 14,
                        formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                },
                blockWhenFull: true),
            // This host's own logger, never Serilog's static one: that would carry every host in the process and be
            // closed by whichever stopped first (several hosts run side by side in the tests).
            preserveStaticLogger: true);

        services.AddCommandCenterInfrastructure(builder.Configuration, builder.Environment.ContentRootPath, AppContext.BaseDirectory);

        services.ConfigureHttpJsonOptions(json => ConfigureJson(json.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        var signalR = services.AddSignalR().AddJsonProtocol(json => ConfigureJson(json.PayloadSerializerOptions));
        if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            // Hub messages reach the clients of every server; each server relays only the changes made on it.
            signalR.AddStackExchangeRedis(redis, options =>
            {
                options.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("commandcenter:hub");
                options.Configuration.AbortOnConnectFail = false;
            });
        }

        services.AddSingleton<LocalHubConnections>();
        services.AddHostedService<FeedToHubRelay>();
        services.AddHostedService<StartupBanner>();
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"])
            .AddCheck<MetricsHealthCheck>("metrics", tags: ["ready"]);
        if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 })
        {
            services.AddHealthChecks().AddCheck<FeedLinkHealthCheck>("redis", tags: ["ready"]);
        }

        if (Infrastructure.Notifications.Delivery.DeliveryRegistration.AnyChannelConfigured(builder.Configuration))
        {
            services.AddHealthChecks().AddCheck<NotificationChannelsHealthCheck>("notifications", tags: ["ready"]);
        }


        services.AddCommandCenterAccess(builder.Configuration);
        services.AddCommandCenterRateLimits(builder.Configuration);
        services.AddOptions<SecurityOptions>().Bind(builder.Configuration.GetSection(SecurityOptions.Section))
            .Validate(
                security => security.FrameAncestors.All(SecurityOptions.IsOrigin),
                "Security:FrameAncestors must list origins such as https://portal.example.org (scheme and host, no path or wildcard) or 'self'.")
            .ValidateOnStart();
        services.AddSingleton(provider => new SecurityHeaders(provider.GetRequiredService<IOptions<SecurityOptions>>().Value));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.SuppressXFrameOptionsHeader = true; // SecurityHeaders decides framing, as configured
        });
        services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton<WallStateRegistry>();
        services.AddOptions<WallOptions>().Bind(builder.Configuration.GetSection("Wall"))
            .Validate(wall => wall.MapShapes > 0, "Wall:MapShapes must be a positive number of shapes.")
            .ValidateOnStart();
        services.AddSingleton(provider => new MapDetail(provider.GetRequiredService<IOptions<WallOptions>>().Value.MapShapes));
        services.AddSingleton<WallGeometry>();
        services.AddSingleton<CachedRepresentations>();
        services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true; // only API reads are compressed (see UseCommandCenter): no form secrets ride along
            compression.MimeTypes = ["application/json", "text/csv"];
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
        });
        services.Configure<BrotliCompressionProviderOptions>(brotli => brotli.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(gzip => gzip.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.AddSingleton<Components.Layout.ThemeStyle>();
        services.AddSingleton(new TeamStatusThresholds());
        var proxies = ProxySettings.From(builder.Configuration);
        services.AddSingleton(proxies);
        services.Configure<ForwardedHeadersOptions>(proxies.Apply);
        return builder;
    }

    public static WebApplication UseCommandCenter(this WebApplication app)
    {
        // The request line is written outside the exception handler, so it says what the caller got: a domain refusal
        // mapped to 403/409 logs as that, not as the 500 an exception passing through would otherwise be logged as.
        if (app.Services.GetRequiredService<ProxySettings>().Proxies.Count > 0)
        {
            app.UseForwardedHeaders(); // first: everything after sees the browser's address and scheme
        }

        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>(); // the host's own (see AddSerilog)
            options.GetLevel = RequestLogLevels.For;
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms from {ClientAddress}";
            options.EnrichDiagnosticContext = (log, context) => log.Set("ClientAddress", context.Connection.RemoteIpAddress?.ToString());
        });
        var securityHeaders = app.Services.GetRequiredService<SecurityHeaders>();
        app.Use(securityHeaders.InvokeAsync);
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts(); // on HTTPS requests only, which is how the proxy in front forwards them (X-Forwarded-Proto)
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Lists, CSV exports and the hierarchy shrink five- to tenfold compressed. Reads of the API only: pages and
        // answers to a POST can carry a secret (antiforgery token, a new API key) next to text a caller chose.
        app.UseWhen(
            context => HttpMethods.IsGet(context.Request.Method) && context.Request.Path.StartsWithSegments("/api"),
            api => api.UseResponseCompression());
        var localization = new RequestLocalizationOptions()
            .SetDefaultCulture(DefaultCulture)
            .AddSupportedCultures(DefaultCulture, "en")
            .AddSupportedUICultures(DefaultCulture, "en");

        // Chinese unless asked for (?culture=en or the culture cookie): a browser's language says nothing about the wall's audience.
        localization.RequestCultureProviders = [.. localization.RequestCultureProviders.Where(p => p is not AcceptLanguageHeaderRequestCultureProvider)];
        app.UseRequestLocalization(localization);

        // A circuit takes its culture from its own connection request, which has no query string: remember a
        // ?culture= choice in the culture cookie so the live page keeps the language the first render used.
        app.Use(async (context, next) =>
        {
            if (context.Request.Query.ContainsKey("culture"))
            {
                var chosen = context.Features.Get<IRequestCultureFeature>()!.RequestCulture;
                context.Response.Cookies.Append(
                    CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(chosen),
                    new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true, Secure = context.Request.IsHttps });
            }

            await next();
        });
        app.UseAuthentication();
        app.UsePasswordChangeGate();
        app.UseAuthorization();
        app.UseRateLimiter(); // after localization (the refusal page's language) and routing (each endpoint's policy)
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapOpenApi();
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new()
        {
            Predicate = check => check.Tags.Contains("ready"),

            // Degraded is still ready (only the metric store reports it): a load balancer keeps the app in service.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = HealthReportJson.WriteAsync,
        });
        app.MapHub<CommandCenterHub>(CommandCenterHub.Path);

        var api = app.MapGroup("/api/v1");
        api.MapAlertEndpoints();
        api.MapPetitionEndpoints();
        api.MapTeamEndpoints();
        api.MapReferenceEndpoints();
        api.MapAdminEndpoints();
        api.MapSetupEndpoints();
        api.MapWorkflowEndpoints();
        api.MapCheckInEndpoints();
        api.MapHotspotEndpoints();

        app.MapUserTemplates();
        app.MapGet("/", () => Results.Redirect("/wall")).ExcludeFromDescription();

        // Administration starts where a new command centre has to: its city map first, then its people.
        app.MapGet("/admin", (Infrastructure.ReferenceData reference) => Results.Redirect(reference.HasCity ? "/admin/users" : "/admin/city"))
            .ExcludeFromDescription();
        app.MapPost("/signout", async (Microsoft.AspNetCore.Identity.SignInManager<Infrastructure.Persistence.CommandCenterUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.Redirect("/signin");
        }).ExcludeFromDescription();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options =>
        {
            options.ConfigureWebSocketAcceptContext = CompressEachMessage;
            options.ContentSecurityFrameAncestorsPolicy = null; // SecurityHeaders writes the one policy, framing included
        });
        return app;
    }

    /// <summary>
    /// Circuits' WebSockets stay compressed (Blazor's default) but each message on its own, with no server context
    /// takeover: a deflater that keeps its context holds ~270 KB of zlib state for as long as the circuit is open, a
    /// third of what a wall circuit cost. A wall sends one first render and then small diffs, so the shared dictionary
    /// bought little. See
    /// wwwroot-assets/docs/decisions/0013-wall-circuits-share-their-markup.md.
    /// </summary>
    public static Task CompressEachMessage(HttpContext context, WebSocketAcceptContext webSocket)
    {
        webSocket.DangerousEnableCompression = true;
        webSocket.DisableServerContextTakeover = true;
        return Task.CompletedTask;
    }

    /// <summary>One JSON dialect for the API and the hub: camelCase, enums as camelCase strings.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }
}
