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
internal sealed class FeedToHubRelay(IOwnFeed feed, IHubContext<CommandCenterHub, ICommandCenterClient> hub, ReferenceData reference) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(RelayAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
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
