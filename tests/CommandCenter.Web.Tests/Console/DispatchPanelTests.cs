using Bunit;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Console;
using CommandCenter.Web.Tests.Wall;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Console;

/// <summary>
/// The console's dispatch panel on a real store: the alert sits in community 330188001002 of 湖滨街道, whose own team
/// is TM-025 (荷风社区文体队).
/// </summary>
public sealed class DispatchPanelTests : WallTestContext
{
    private static readonly Operator Staff = new("u-hubin", "陈静", Role.Staff, "330188001");
    private readonly List<(string Message, bool IsError)> _said = [];

    [Fact]
    public async Task AcknowledgedAlert_ListsTheCommunitysOwnTeamFirst_AndNoTeamOnItYet()
    {
        var alert = await AlertAsync(acknowledge: true);

        var panel = Render(alert);

        var first = panel.FindAll("[data-testid=candidate]")[0];
        Assert.Equal("TM-025", first.GetAttribute("data-team"));
        Assert.Contains("本社区", first.TextContent, StringComparison.Ordinal);
        Assert.Equal("尚未派遣队伍。", panel.Find("[data-testid=no-deployment]").TextContent);
        Assert.Equal(8, panel.FindAll("[data-testid=candidate]").Count);
    }

    [Fact]
    public async Task AcknowledgedAlert_MapHighlightsTheAlertsGridAndMarksItsPoint()
    {
        var alert = await AlertAsync(acknowledge: true);

        var panel = Render(alert);

        Assert.Equal(alert.GridCode, panel.Find("[data-testid=alert-map] path.here").GetAttribute("data-grid"));
        Assert.Single(panel.FindAll("[data-testid=alert-point]"));
        Assert.Equal(10, panel.FindAll("[data-testid=alert-map] path.grid").Count); // the community's grids
    }

    [Fact]
    public async Task TickAndSend_DispatchesTheTeamAndShowsItOnTheAlertWithItsNextSteps()
    {
        var alert = await AlertAsync(acknowledge: true);
        var panel = Render(alert);

        panel.Find("[data-testid=candidate][data-team=TM-025] input[type=checkbox]").Change(true);
        await panel.Find("[data-testid=send]").ClickAsync(new());

        await using var db = Store.NewDbContext();
        var team = await db.Teams.SingleAsync(t => t.Code == "TM-025");
        Assert.Equal((TeamStatus.Dispatched, (Guid?)alert.Id), (team.Status, team.CurrentAlertId));
        Assert.Equal(AlertState.Dispatched, (await db.Alerts.SingleAsync()).State);
        Assert.Equal(("已派遣 1 支队伍，未派出 0 支。", false), Assert.Single(_said));
        var deployed = panel.Find("[data-testid=deployed-team]");
        Assert.Equal("已派遣", deployed.QuerySelector("[data-testid=team-status]")!.TextContent);
        Assert.Equal(["EnRoute", "OnScene", "Available"], deployed.QuerySelectorAll("button").Select(b => b.GetAttribute("data-next")));
        Assert.DoesNotContain(panel.FindAll("[data-testid=candidate]"), c => c.GetAttribute("data-team") == "TM-025");
    }

    [Fact]
    public async Task NextStep_OnScene_MovesTheTeamInTheStore()
    {
        var alert = await AlertAsync(acknowledge: true);
        await Store.Get<DispatchService>().DispatchAsync(alert.Id, ["TM-025"], Staff, null);
        var panel = Render(alert);

        await panel.Find("[data-testid=deployed-team] button[data-next=OnScene]").ClickAsync(new());

        await using var db = Store.NewDbContext();
        Assert.Equal(TeamStatus.OnScene, (await db.Teams.SingleAsync(t => t.Code == "TM-025")).Status);
        Assert.Equal("到场", panel.Find("[data-testid=team-status]").TextContent);
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Subject == AuditSubject.Team && e.ToState == "OnScene" && e.Actor == "陈静"));
    }

    [Fact]
    public async Task AlertNotYetAcknowledged_OffersNoTeams()
    {
        var alert = await AlertAsync(acknowledge: false);

        var panel = Render(alert);

        Assert.Empty(panel.FindAll("[data-testid=candidates]"));
        Assert.Empty(panel.FindAll("[data-testid=send]"));
    }

    [Fact]
    public async Task TeamTakenElsewhereMeanwhile_SaysWhyAndStoresNothingForThisAlert()
    {
        var alert = await AlertAsync(acknowledge: true);
        var panel = Render(alert);
        panel.Find("[data-testid=candidate][data-team=TM-025] input[type=checkbox]").Change(true);
        var other = await Store.Get<AlertIngestionService>().IngestAsync(
            new NewAlertReport(AlertSource.Hotline, "other", "0101", Severity.General, DemoCity.GridCode(0, 1, 7), null, StoreHost.Start, "噪音"), Actor.System("test"));
        await Store.Get<AlertWorkflowService>().ApplyAsync(other.Alert.Id, AlertAction.Acknowledge, Staff, null);
        await Store.Get<DispatchService>().DispatchAsync(other.Alert.Id, ["TM-025"], Staff, null);

        await panel.Find("[data-testid=send]").ClickAsync(new());

        var (message, isError) = Assert.Single(_said);
        Assert.True(isError);
        Assert.Contains("TM-025", message, StringComparison.Ordinal);
        await using var db = Store.NewDbContext();
        Assert.Equal(AlertState.Acknowledged, (await db.Alerts.SingleAsync(a => a.Id == alert.Id)).State);
    }

    private IRenderedComponent<DispatchPanel> Render(Alert alert) => Render<DispatchPanel>(p => p
        .Add(c => c.Alert, alert)
        .Add(c => c.Operator, Staff)
        .Add(c => c.Now, Time.GetUtcNow())
        .Add(c => c.OnDone, result => _said.Add(result)));

    private async Task<Alert> AlertAsync(bool acknowledge)
    {
        await UseStoreAsync();
        Services.AddSingleton(Store.Get<DispatchService>());
        var raised = await Store.Get<AlertIngestionService>().IngestAsync(
            new NewAlertReport(AlertSource.Hotline, "ext-1", "0101", Severity.General, DemoCity.GridCode(0, 1, 2), null, StoreHost.Start, "电动车被盗"), Actor.System("test"));
        return acknowledge
            ? (await Store.Get<AlertWorkflowService>().ApplyAsync(raised.Alert.Id, AlertAction.Acknowledge, Staff, null))!
            : raised.Alert;
    }
}
