using Bunit;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Admin;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Severity = CommandCenter.Core.Alerts.Severity;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>
/// The teams page on a real store with the demo city's 60 teams. 湖滨街道 (330188001) holds TM-006 … TM-008 and its
/// communities' teams; (30.280827, 120.139309) lies in 望江街道.
/// </summary>
public sealed class TeamsAdminPageTests : AdminTestContext
{
    [Fact]
    public async Task Save_EmptyNewTeam_NamesEveryMissingFieldAndStoresNothing()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<TeamsAdmin>();
        await page.Find("[data-testid=team-create]").ClickAsync(new());

        await page.Find("[data-testid=team-save]").ClickAsync(new());

        Assert.Equal(
            ["请填写团队名称。", "请选择团队类型。", "请选择所属区划。", "第 1 名成员缺少姓名。", "请选择第 1 名成员的身份。"],
            page.FindAll("[data-testid=team-problems] li").Select(li => li.TextContent));
        await using var db = Store.NewDbContext();
        Assert.Equal(60, await db.Teams.CountAsync());
    }

    [Fact]
    public async Task Save_PositionOutsideTheHome_SaysItIsOutsideTheHome()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<TeamsAdmin>();
        await page.Find("[data-testid=team-create]").ClickAsync(new());
        await FillAsync(page, "湖滨应急队", TeamType.Medical, "330188001");

        page.Find("input[data-testid=team-lat]").Change("30.280827");
        page.Find("input[data-testid=team-lon]").Change("120.139309");
        await page.Find("[data-testid=team-save]").ClickAsync(new());

        var problem = Assert.Single(page.FindAll("[data-testid=team-problems] li"));
        Assert.Equal(("position", "位置（30.280827, 120.139309）不在湖滨街道范围内。"), (problem.GetAttribute("data-field"), problem.TextContent));
        Assert.Contains("outside", page.Find("[data-testid=picked-point]").GetAttribute("class"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_OnlyLatitudeTyped_AsksForBoth()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<TeamsAdmin>();
        await page.Find("[data-testid=team-create]").ClickAsync(new());
        await FillAsync(page, "湖滨应急队", TeamType.Medical, "330188001");

        page.Find("input[data-testid=team-lat]").Change("30.28");
        await page.Find("[data-testid=team-save]").ClickAsync(new());

        Assert.Equal("位置需要同时填写纬度和经度，或者都不填。", Assert.Single(page.FindAll("[data-testid=team-problems] li")).TextContent);
    }

    [Fact]
    public async Task PickOnTheMap_ThenSave_CreatesTheTeamAtThePickedPointInsideItsHome()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<TeamsAdmin>();
        await page.Find("[data-testid=team-create]").ClickAsync(new());
        await FillAsync(page, "湖滨应急队", TeamType.Medical, "330188001");
        var height = double.Parse(page.Find("[data-testid=picker-surface]").GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture);

        await page.Find("[data-testid=picker-surface]").ClickAsync(new MouseEventArgs { OffsetX = TeamPositionPicker.Width / 2, OffsetY = height / 2 });
        await page.Find("[data-testid=team-save]").ClickAsync(new());

        Assert.Contains("已创建团队 湖滨应急队（TM-061）", page.Find("[data-testid=teams-message]").TextContent, StringComparison.Ordinal);
        await using var db = Store.NewDbContext();
        var team = await db.Teams.SingleAsync(t => t.Code == "TM-061");
        Assert.Equal(("330188001", NodeLevel.Town), (team.NodeCode, team.Level));
        Assert.Equal("330188001", Reference.Map.ResolveGrid(team.Latitude!.Value, team.Longitude!.Value)?.Code[..9]);
    }

    [Fact]
    public async Task PickOnTheMap_FillsBothCoordinates()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<TeamsAdmin>();
        await page.Find("[data-testid=team-create]").ClickAsync(new());
        await FillAsync(page, "湖滨应急队", TeamType.Medical, "330188001");

        await page.Find("[data-testid=picker-surface]").ClickAsync(new MouseEventArgs { OffsetX = 200, OffsetY = 150 });

        Assert.NotEmpty(page.Find("input[data-testid=team-lat]").GetAttribute("value")!);
        Assert.NotEmpty(page.Find("input[data-testid=team-lon]").GetAttribute("value")!);
        Assert.DoesNotContain("outside", page.Find("[data-testid=picked-point]").GetAttribute("class"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retire_TeamOnAnOpenAlert_SaysWhichAlert()
    {
        await UseAdminStoreAsync();
        var alert = (await Store.Get<AlertIngestionService>().IngestAsync(
            new NewAlertReport(AlertSource.Hotline, "a-1", "0101", Severity.General, DemoCity.GridCode(0, 0, 3), null, StoreHost.Start, "电动车被盗"),
            Actor.System("test"))).Alert;
        await Store.Get<TeamService>().ChangeStatusAsync("TM-006", new TeamStatusReport(TeamStatus.Dispatched, alert.Id), Actor.System("test"));
        var page = RenderPage<TeamsAdmin>();

        await page.Find("[data-team=TM-006] [data-testid=team-retire]").ClickAsync(new());
        await page.Find("[data-team=TM-006] [data-testid=team-retire-confirm]").ClickAsync(new());

        var message = page.Find("[data-testid=teams-message]").TextContent;
        Assert.Contains("正在处置未结案事件“电动车被盗”", message, StringComparison.Ordinal);
        Assert.Contains(alert.Id.ToString(), message, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-team=TM-006]"));
    }

    [Fact]
    public async Task Retire_FreeTeam_LeavesTheListAndIsAudited()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<TeamsAdmin>();

        await page.Find("[data-team=TM-006] [data-testid=team-retire]").ClickAsync(new());
        await page.Find("[data-team=TM-006] [data-testid=team-retire-confirm]").ClickAsync(new());

        Assert.Empty(page.FindAll("[data-team=TM-006]"));
        await using var db = Store.NewDbContext();
        Assert.Equal(AuditAction.TeamRetired, (await db.AuditEntries.SingleAsync(e => e.SubjectId == "TM-006")).Action);
    }

    [Fact]
    public async Task TownAdmin_ListsOnlyTheirTownsTeams()
    {
        SignedInAs("330188001", "Admin");
        await UseAdminStoreAsync();

        var page = RenderPage<TeamsAdmin>();

        var homes = page.FindAll("[data-testid=team-row]").Select(row => row.GetAttribute("data-team")).ToList();
        Assert.Contains("TM-006", homes);
        Assert.DoesNotContain("TM-009", homes);
        Assert.DoesNotContain("TM-001", homes);
    }

    /// <summary>Name typed; type, home node, and the first member's name and role chosen as a person would.</summary>
    private static async Task FillAsync(IRenderedComponent<TeamsAdmin> page, string name, TeamType type, string nodeCode)
    {
        page.Find("input[data-testid=team-name]").Change(name);
        await page.InvokeAsync(() => Field<MudSelect<TeamType?>>(page, "team-type").SelectOption(type));
        await page.InvokeAsync(() => Field<MudAutocomplete<string>>(page, "team-node").SelectOptionAsync(nodeCode));
        page.Find("input[data-testid=member-name]").Change("张伟");
        await page.InvokeAsync(() => Field<MudSelect<MemberRole?>>(page, "member-role").SelectOption(MemberRole.Volunteer));
    }

    private static T Field<T>(IRenderedComponent<TeamsAdmin> page, string testId)
        where T : MudComponentBase =>
        page.FindComponents<T>().Single(c => Equals(c.Instance.UserAttributes.GetValueOrDefault("data-testid"), testId)).Instance;
}
