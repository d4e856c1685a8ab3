using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.Infrastructure;
using CommandCenter.Web.Api;
using CommandCenter.Web.Hubs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Serilog;

namespace CommandCenter.Web.Hosting;

/// <summary>Everything Program.cs wires, kept here so Program.cs stays a table of contents.</summary>
public static class HostingExtensions
{
    public static WebApplicationBuilder AddCommandCenter(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSerilog((provider, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .WriteTo.File(
                Path.Combine(provider.GetRequiredService<IOptions<StoreOptions>>().Value.DataDir, "logs", "commandcenter-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture));

        services.AddCommandCenterInfrastructure(builder.Configuration, builder.Environment.ContentRootPath, AppContext.BaseDirectory);

        services.ConfigureHttpJsonOptions(json => ConfigureJson(json.SerializerOptions));
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddSignalR().AddJsonProtocol(json => ConfigureJson(json.PayloadSerializerOptions));
        services.AddHostedService<FeedToHubRelay>();
        services.AddHostedService<StartupBanner>();
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return builder;
    }

    public static WebApplication UseCommandCenter(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSerilogRequestLogging();

        app.MapStaticAssets();
        app.MapOpenApi();
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapHub<CommandCenterHub>(CommandCenterHub.Path);

        var api = app.MapGroup("/api/v1");
        api.MapAlertEndpoints();
        api.MapPetitionEndpoints();
        api.MapTeamEndpoints();
        api.MapReferenceEndpoints();
        return app;
    }

    /// <summary>One JSON dialect for the API and the hub: camelCase, enums as camelCase strings.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }
}

/// <summary>Ready when the store answers and the reference data is loaded.</summary>
internal sealed class StoreHealthCheck(Microsoft.EntityFrameworkCore.IDbContextFactory<Infrastructure.Persistence.CommandCenterDbContext> contexts, ReferenceData reference) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!reference.IsLoaded)
        {
            return HealthCheckResult.Unhealthy("Reference data is not loaded yet.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy("Store reachable.")
            : HealthCheckResult.Unhealthy("Store unreachable.");
    }
}
