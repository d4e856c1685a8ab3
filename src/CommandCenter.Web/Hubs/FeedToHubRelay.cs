using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Feed;
using Microsoft.AspNetCore.SignalR;

namespace CommandCenter.Web.Hubs;

/// <summary>
/// Carries the live feed to SignalR clients: each change goes to the groups of every node on its path (city, town,
/// community, grid), so a client watching any of them receives it. The silent-grid set is city-wide; each node that
/// is watched gets its own part of it.
/// </summary>
/// <remarks>
/// Only the changes made on this server: with several servers SignalR's Redis backplane carries each send to the
/// clients of all of them, so relaying what came from another server would deliver it twice.
/// </remarks>
internal sealed class FeedToHubRelay(
    IOwnFeed feed,
    IHubContext<CommandCenterHub, ICommandCenterClient> hub,
    ReferenceData reference,
    FeedLink link,
    LocalHubConnections local,
    TimeProvider time,
    ILogger<FeedToHubRelay> logger) : IHostedService
{
    private IDisposable? _subscription;
    private IDisposable? _restored;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(RelayAsync);

        // While Redis was away no hub message crossed between servers (nor, through the backplane, reached anyone):
        // this server's clients are told to read again, as its walls reload.
        _restored = link.WhenRestored(() => _ = TellClientsToResyncAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        _restored?.Dispose();
        return Task.CompletedTask;
    }

    private async Task TellClientsToResyncAsync()
    {
        var connections = local.Snapshot();
        if (connections.Count == 0)
        {
            return;
        }

        try
        {
            await hub.Clients.Clients(connections).Resync(new ResyncNeeded(time.GetUtcNow(), "link-restored"));
            logger.LogInformation("Told {Connections} hub clients to read again: the link to the other servers is back", connections.Count);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogWarning(error, "Could not tell hub clients to read again after the link to the other servers came back");
        }
    }

    private async ValueTask RelayAsync(FeedMessage message, CancellationToken ct)
    {
        if (message is SilentGridsChanged silent)
        {
            await RelaySilentGridsAsync(silent);
            return;
        }

        var clients = hub.Clients.Groups([.. message.Scope.Codes().Select(CommandCenterHub.GroupFor)]);
        var send = message switch
        {
            AlertChanged alert => clients.AlertChanged(alert),
            PetitionWarningChanged warning => clients.PetitionWarningChanged(warning),
            DeploymentChanged deployment => clients.DeploymentChanged(deployment),
            TeamStatusChanged team => clients.TeamStatusChanged(team),
            TeamChanged team => clients.TeamChanged(team),
            LateReportCharged late => clients.LateReportCharged(late),
            _ => Task.CompletedTask,
        };
        await send;
    }

    /// <summary>
    /// Every node with a silent grid now, or one that just left the set, gets the set as it stands within its subtree,
    /// so a town's screen can replace what it holds and never sees another town's grids.
    /// </summary>
    private async Task RelaySilentGridsAsync(SilentGridsChanged silent)
    {
        var map = reference.Map;
        var touched = silent.SilentGridCodes.Concat(silent.NoLongerSilent)
            .Where(map.Contains)
            .SelectMany(grid => map.PathOf(grid).Codes())
            .ToHashSet(StringComparer.Ordinal);
        foreach (var node in touched)
        {
            var part = node == map.City.Code ? silent : silent with
            {
                Scope = map.PathOf(node),
                SilentGridCodes = [.. silent.SilentGridCodes.Where(g => map.IsWithin(g, node))],
                NoLongerSilent = [.. silent.NoLongerSilent.Where(g => map.IsWithin(g, node))],
            };
            await hub.Clients.Group(CommandCenterHub.GroupFor(node)).SilentGridsChanged(part);
        }
    }
}
