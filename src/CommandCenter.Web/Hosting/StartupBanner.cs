using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Simulation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Hosting;

/// <summary>Once the server listens, says where, with what data, and whether the simulator is feeding it.</summary>
internal sealed class StartupBanner(
    IServer server,
    IOptions<StoreOptions> store,
    IOptions<SimulatorOptions> simulator,
    IOptions<Access.DemoOptions> demo,
    ReferenceData reference,
    ILogger<StartupBanner> logger) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "(no address)";
        logger.LogInformation(
            """
            CommandCenter is running at {Url}
              city:      {City} ({Towns} towns, {Grids} grids)
              data dir:  {DataDir}
              simulator: {Simulator}
              API:       {Url}/api/v1/hierarchy   OpenAPI: {Url}/openapi/v1.json   hub: {Url}{Hub}
              health:    {Url}/healthz   {Url}/readyz
              sign in:   {Url}/signin   {DemoLogins}
            """,
            url, reference.HasCity ? reference.Map.City.Name : "(none imported yet: run import-city or open /admin/city)",
            reference.HasCity ? reference.Map.Towns.Count() : 0, reference.HasCity ? reference.Map.Grids.Count() : 0, store.Value.DataDir,
            simulator.Value.Enabled ? $"on, ~{simulator.Value.EventsPerMinute}/min" : "off", url, url, url, Hubs.CommandCenterHub.Path, url, url, url,
            demo.Value.SeedUsers
                ? $"demo users {string.Join(", ", Access.DemoUsers.All.Select(u => $"{u.UserName} ({u.Role}@{u.NodeCode})"))}, password {Access.DemoUsers.Password}"
                : "(no demo users: create the first administrator with create-admin)");
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
