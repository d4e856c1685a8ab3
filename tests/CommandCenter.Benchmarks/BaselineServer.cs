using System.Threading.Channels;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Web.Hosting;
using CommandCenter.Web.Hubs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Benchmarks;

/// <summary>
/// The baseline for the ingest → hub step: a bare ASP.NET Core app with one SignalR hub, the same routes, the same
/// JSON dialect and the same <see cref="AlertChanged"/> payload, and nothing else — no sign-in, no validation, no
/// store, no logging per request. A POST queues the change and is answered; one loop broadcasts the queue to the
/// groups of the alert's path, as the product's feed relay does. Whatever the product takes beyond this is the product's own
/// cost. Runs as a child process of the harness (<c>--serve-baseline --urls URL</c>), like the product.
/// </summary>
public static class BaselineServer
{
    public const string Verb = "--serve-baseline";

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(json => HostingExtensions.ConfigureJson(json.SerializerOptions));
        builder.Services.AddSignalR().AddJsonProtocol(json => HostingExtensions.ConfigureJson(json.PayloadSerializerOptions));
        var queue = Channel.CreateUnbounded<AlertChanged>(new UnboundedChannelOptions { SingleReader = true });

        var app = builder.Build();
        app.MapGet("/healthz", () => "Healthy");
        app.MapHub<BaselineHub>(CommandCenterHub.Path);
        app.MapPost("/api/v1/alerts", (BaselineReport report) =>
        {
            var now = DateTimeOffset.UtcNow;
            var grid = report.GridCode;
            var path = new NodePath(grid[..6], grid[..9], grid[..12], grid);
            var change = new AlertChanged(
                path, now, AlertChange.Raised, Guid.CreateVersion7(now), AlertState.Reported, null, report.Category, Severity.General,
                report.Title, AlertSource.GridWorker, null, null, 0, report.OccurredAt, now, false, 1, StageDeadline: now.AddMinutes(30));
            queue.Writer.TryWrite(change);
            return Results.Created($"/api/v1/alerts/{change.AlertId}", new { id = change.AlertId });
        });

        var hub = app.Services.GetRequiredService<IHubContext<BaselineHub>>();
        var relay = Task.Run(async () =>
        {
            await foreach (var change in queue.Reader.ReadAllAsync())
            {
                await hub.Clients.Groups([.. change.Scope.Codes().Select(CommandCenterHub.GroupFor)]).SendAsync(nameof(ICommandCenterClient.AlertChanged), change);
            }
        });

        await app.RunAsync();
        queue.Writer.TryComplete();
        await relay;
    }

    public sealed record BaselineReport(string Source, string ExternalId, string Category, string Severity, string GridCode, DateTimeOffset OccurredAt, string Title);
}

/// <summary>Subscribe joins the node's group, as the product's hub does (without the jurisdiction check).</summary>
public sealed class BaselineHub : Hub
{
    public async Task<SubscriptionInfo> Subscribe(string nodeCode)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, CommandCenterHub.GroupFor(nodeCode));
        return new SubscriptionInfo(nodeCode, nodeCode, NodeLevel.City);
    }
}
