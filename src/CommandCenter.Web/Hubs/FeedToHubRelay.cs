using CommandCenter.Core.Feed;
using Microsoft.AspNetCore.SignalR;

namespace CommandCenter.Web.Hubs;

/// <summary>
/// Carries the live feed to SignalR clients: each change goes to the groups of every node on its path (city, town,
/// community, grid), so a client watching any of them receives it.
/// </summary>
internal sealed class FeedToHubRelay(ILiveFeed feed, IHubContext<CommandCenterHub, ICommandCenterClient> hub) : IHostedService
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
        var clients = hub.Clients.Groups([.. message.Scope.Codes().Select(CommandCenterHub.GroupFor)]);
        var send = message switch
        {
            AlertChanged alert => clients.AlertChanged(alert),
            PetitionWarningChanged warning => clients.PetitionWarningChanged(warning),
            DeploymentChanged deployment => clients.DeploymentChanged(deployment),
            TeamStatusChanged team => clients.TeamStatusChanged(team),
            LateReportCharged late => clients.LateReportCharged(late),
            SilentGridsChanged silent => clients.SilentGridsChanged(silent),
            _ => Task.CompletedTask,
        };
        await send;
    }
}
