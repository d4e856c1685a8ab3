using System.Threading.Channels;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Feed;
using CommandCenter.Testing;
using CommandCenter.Web.Hosting;
using CommandCenter.Web.Hubs;
using CommandCenter.Web.Tests.Api;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;

namespace CommandCenter.Web.Tests.Hubs;

public sealed class CommandCenterHubTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly TempDirectory _dir = new();
    private CommandCenterApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Subscribe_ToTown_ReceivesThatTownsChangesOnly()
    {
        await using var town1 = await ListenerAsync(DemoCity.TownCode(0));
        await using var town2 = await ListenerAsync(DemoCity.TownCode(1));

        var inTown1 = await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("hub-t1", DemoCity.GridCode(0, 2, 3)));
        var inTown2 = await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("hub-t2", DemoCity.GridCode(1, 0, 1)));
        inTown1.EnsureSuccessStatusCode();
        inTown2.EnsureSuccessStatusCode();

        // Each connection gets changes in order, so town 2's first message being its own alert proves it never got town 1's.
        var seenByTown1 = await town1.NextAlertAsync();
        var seenByTown2 = await town2.NextAlertAsync();
        Assert.Equal(DemoCity.GridCode(0, 2, 3), seenByTown1.Scope.GridCode);
        Assert.Equal(DemoCity.TownCode(0), seenByTown1.Scope.TownCode);
        Assert.Equal(DemoCity.GridCode(1, 0, 1), seenByTown2.Scope.GridCode);
        Assert.False(town1.TryTakeAlert(out var extra), $"town 1 also received {extra?.Scope.GridCode}");
    }

    [Fact]
    public async Task Subscribe_ToCity_ReceivesEveryTownsChanges()
    {
        await using var city = await ListenerAsync("330188");

        await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("city-1", DemoCity.GridCode(0, 0, 1)));
        await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("city-2", DemoCity.GridCode(5, 4, 10)));

        Assert.Equal(DemoCity.TownCode(0), (await city.NextAlertAsync()).Scope.TownCode);
        Assert.Equal(DemoCity.TownCode(5), (await city.NextAlertAsync()).Scope.TownCode);
    }

    [Fact]
    public async Task AlertChanged_CarriesTheChangeItself()
    {
        await using var community = await ListenerAsync(DemoCity.GridCode(2, 1, 1)[..12]);

        await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("carry-1", DemoCity.GridCode(2, 1, 4)));
        await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("carry-2", DemoCity.GridCode(2, 1, 4)).With("source", "public"));

        var raised = await community.NextAlertAsync();
        var merged = await community.NextAlertAsync();
        Assert.Equal(AlertChange.Raised, raised.Change);
        Assert.Equal(AlertState.Reported, raised.State);
        Assert.Null(raised.PreviousState);
        Assert.Equal("0301", raised.CategoryCode);
        Assert.Equal(AlertChange.RepeatMerged, merged.Change);
        Assert.Equal(raised.AlertId, merged.AlertId);
        Assert.Equal(1, merged.RepeatCount);
        Assert.Equal(AlertState.Reported, merged.PreviousState);
    }

    [Fact]
    public async Task Subscribe_AgainToAnotherNode_ReplacesTheFirstSubscription()
    {
        await using var listener = await ListenerAsync(DemoCity.TownCode(0));
        await listener.Connection.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), DemoCity.TownCode(3));

        // The alert in the first town must really be raised, or receiving only the second would prove nothing.
        (await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("switch-1", DemoCity.GridCode(0, 0, 2)))).EnsureSuccessStatusCode();
        (await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("switch-2", DemoCity.GridCode(3, 0, 2)))).EnsureSuccessStatusCode();

        Assert.Equal(DemoCity.TownCode(3), (await listener.NextAlertAsync()).Scope.TownCode);
    }

    [Fact]
    public async Task Subscribe_OutsideMyJurisdiction_IsRefused()
    {
        await using var connection = Connect(await _app.SignInAsync("staff-hubin"));
        await connection.StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), DemoCity.TownCode(1)));

        Assert.Contains("outside your jurisdiction", error.Message, StringComparison.Ordinal);
        var mine = await connection.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), DemoCity.TownCode(0));
        Assert.Equal(DemoCity.TownCode(0), mine.NodeCode);
    }

    [Fact]
    public async Task Connect_NotSignedIn_IsRefused()
    {
        await using var connection = Connect(null);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());

        Assert.Contains("401", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_UnknownNode_IsRefusedWithAReason()
    {
        await using var connection = Connect(await _app.SignInAsync("duty"));
        await connection.StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), "999999"));

        Assert.Contains("Unknown node '999999'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TeamAndDeploymentChanges_ReachTheTownOfTheAlert()
    {
        await using var town = await ListenerAsync(DemoCity.TownCode(0));
        var alert = await (await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("deploy-1", DemoCity.GridCode(0, 0, 5))))
            .Content.ReadFromJsonAsync<CommandCenter.Web.Api.AlertDto>(CommandCenterApp.Json);

        var response = await _app.PostJsonAsync("/api/v1/teams/TM-006/status", new { status = "dispatched", alertId = alert!.Id });

        response.EnsureSuccessStatusCode();
        var deployment = await town.Deployments.Reader.ReadAsync(new CancellationTokenSource(Patience).Token);
        Assert.Equal("TM-006", deployment.TeamCode);
        Assert.Equal(alert.Id, deployment.AlertId);
        var team = await town.Teams.Reader.ReadAsync(new CancellationTokenSource(Patience).Token);
        Assert.Equal(CommandCenter.Core.Teams.TeamStatus.Dispatched, team.Status);
        Assert.Equal(CommandCenter.Core.Teams.TeamStatus.Available, team.PreviousStatus);
    }

    [Fact]
    public async Task LateReportCharged_ReachesTheTownOfTheAlertOnly()
    {
        await using var town1 = await ListenerAsync(DemoCity.TownCode(0));
        await using var town2 = await ListenerAsync(DemoCity.TownCode(1));
        var charges = _app.Services.GetRequiredService<CommandCenter.Infrastructure.Monitoring.LateReportService>();

        // Major (60 min limit) reported three hours after it happened: a late report, first in town 1, then in town 2.
        await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("late-1", DemoCity.GridCode(0, 1, 4)).With("occurredAt", StoreHost.Start.AddHours(-3).ToString("O")));
        await charges.ChargeDueAsync();
        await _app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("late-2", DemoCity.GridCode(1, 1, 4)).With("occurredAt", StoreHost.Start.AddHours(-3).ToString("O")));
        await charges.ChargeDueAsync();

        var seenByTown1 = await town1.LateReports.Reader.ReadAsync(new CancellationTokenSource(Patience).Token);
        var seenByTown2 = await town2.LateReports.Reader.ReadAsync(new CancellationTokenSource(Patience).Token);
        Assert.Equal(DemoCity.GridCode(0, 1, 4), seenByTown1.GridCode);
        Assert.Equal(DemoCity.GridCode(1, 1, 4), seenByTown2.GridCode); // its first charge is its own: it never got town 1's
        Assert.Equal(TimeSpan.FromHours(3), seenByTown1.Delay);
        Assert.False(string.IsNullOrEmpty(seenByTown1.ResponsibleName));
    }

    [Fact]
    public async Task SilentGridsChanged_EachWatchedNodeGetsItsOwnPartOfTheSet()
    {
        await using var city = await ListenerAsync("330188");
        await using var town = await ListenerAsync(DemoCity.TownCode(2));
        var activity = _app.Services.GetRequiredService<CommandCenter.Infrastructure.Monitoring.GridActivityService>();
        _app.Time.Advance(TimeSpan.FromHours(9));

        await activity.UpdateSilentGridsAsync();

        var citySet = await city.SilentGrids.Reader.ReadAsync(new CancellationTokenSource(Patience).Token);
        var townSet = await town.SilentGrids.Reader.ReadAsync(new CancellationTokenSource(Patience).Token);
        Assert.Equal(activity.SilentGridCodes.Order(StringComparer.Ordinal), citySet.SilentGridCodes.Order(StringComparer.Ordinal));
        Assert.Equal(
            activity.SilentGridCodes.Where(g => g.StartsWith(DemoCity.TownCode(2), StringComparison.Ordinal)).Order(StringComparer.Ordinal),
            townSet.SilentGridCodes.Order(StringComparer.Ordinal));
        Assert.NotEmpty(townSet.SilentGridCodes);
        Assert.Equal(DemoCity.TownCode(2), townSet.Scope.TownCode);
    }

    [Fact]
    public async Task SilentGridsChanged_ACheckInEndsASilence_TheTownIsToldWhichGridLeftTheSet()
    {
        var activity = _app.Services.GetRequiredService<CommandCenter.Infrastructure.Monitoring.GridActivityService>();
        _app.Time.Advance(TimeSpan.FromHours(9));
        await activity.UpdateSilentGridsAsync();
        await using var town = await ListenerAsync(DemoCity.TownCode(2));
        var grid = DemoCity.GridCode(2, 1, 3);

        var response = await _app.PostJsonAsync($"/api/v1/grids/{grid}/check-ins", new { workerName = "张网格" }, CommandCenterApp.KeyFor("gridWorker"));

        response.EnsureSuccessStatusCode();
        var change = await town.SilentGrids.Reader.ReadAsync(new CancellationTokenSource(Patience).Token);
        Assert.Equal([grid], change.NoLongerSilent);
        Assert.DoesNotContain(grid, change.SilentGridCodes);
        Assert.All(change.SilentGridCodes, g => Assert.StartsWith(DemoCity.TownCode(2), g, StringComparison.Ordinal));
    }

    private HubConnection Connect(System.Net.CookieContainer? cookies) => new HubConnectionBuilder()
        .WithUrl(new Uri(_app.BaseAddress, CommandCenterHub.Path), options => options.Cookies = cookies ?? new System.Net.CookieContainer())
        .AddJsonProtocol(json => HostingExtensions.ConfigureJson(json.PayloadSerializerOptions))
        .Build();

    private async Task<Listener> ListenerAsync(string nodeCode, string userName = "duty")
    {
        var listener = new Listener(Connect(await _app.SignInAsync(userName)));
        await listener.Connection.StartAsync();
        var info = await listener.Connection.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), nodeCode);
        Assert.Equal(nodeCode, info.NodeCode);
        return listener;
    }

    /// <summary>A hub client that queues what it receives.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly Channel<AlertChanged> _alerts = Channel.CreateUnbounded<AlertChanged>();

        public Listener(HubConnection connection)
        {
            Connection = connection;
            connection.On<AlertChanged>(nameof(ICommandCenterClient.AlertChanged), change => _alerts.Writer.TryWrite(change));
            connection.On<DeploymentChanged>(nameof(ICommandCenterClient.DeploymentChanged), change => Deployments.Writer.TryWrite(change));
            connection.On<TeamStatusChanged>(nameof(ICommandCenterClient.TeamStatusChanged), change => Teams.Writer.TryWrite(change));
            connection.On<LateReportCharged>(nameof(ICommandCenterClient.LateReportCharged), charge => LateReports.Writer.TryWrite(charge));
            connection.On<SilentGridsChanged>(nameof(ICommandCenterClient.SilentGridsChanged), change => SilentGrids.Writer.TryWrite(change));
        }

        public HubConnection Connection { get; }

        public Channel<DeploymentChanged> Deployments { get; } = Channel.CreateUnbounded<DeploymentChanged>();

        public Channel<TeamStatusChanged> Teams { get; } = Channel.CreateUnbounded<TeamStatusChanged>();

        public Channel<LateReportCharged> LateReports { get; } = Channel.CreateUnbounded<LateReportCharged>();

        public Channel<SilentGridsChanged> SilentGrids { get; } = Channel.CreateUnbounded<SilentGridsChanged>();

        public async Task<AlertChanged> NextAlertAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await _alerts.Reader.ReadAsync(timeout.Token);
        }

        public bool TryTakeAlert(out AlertChanged? change) => _alerts.Reader.TryRead(out change);

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
