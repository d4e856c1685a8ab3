using Bunit;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Web.Components.Pages;
using CommandCenter.Web.Tests.Wall;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Duty;

/// <summary>The staff console names who is on duty for the operator's node, or the nearest node above that keeps a roster.</summary>
public sealed class ConsoleDutyTests : WallTestContext
{
    private const string Hubin = "330188001";

    [Fact]
    public async Task Console_ShowsTheOperatorsNodesOnDuty()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, Hubin, DutyRosters.MorningAndAfternoon());

        var cut = RenderConsole(Hubin, "Staff");

        cut.WaitForAssertion(() => Assert.Equal("张伟 13800000001", cut.Find("[data-testid=duty-person]").TextContent.Trim()));
        Assert.Equal(Hubin, cut.Find("[data-testid=on-duty]").GetAttribute("data-node"));
        Assert.Empty(cut.FindAll("[data-testid=duty-edit]")); // staff see the roster, duty officers edit it
    }

    [Fact]
    public async Task Console_OfACommunityWithoutARoster_ShowsItsTownsAndOffersTheEditorToDutyOfficers()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, Hubin, DutyRosters.MorningAndAfternoon());

        var cut = RenderConsole(Hubin + "002", "DutyOfficer");

        cut.WaitForAssertion(() => Assert.Equal("张伟 13800000001", cut.Find("[data-testid=duty-person]").TextContent.Trim()));
        Assert.Equal(Hubin, cut.Find("[data-testid=on-duty]").GetAttribute("data-node"));
        Assert.Equal("/admin/duty", cut.Find("[data-testid=duty-edit]").GetAttribute("href"));
    }

    private IRenderedComponent<StaffConsole> RenderConsole(string nodeCode, string role)
    {
        Services.AddSingleton(Store.Get<AlertWorkflowService>());
        Services.AddSingleton(Store.Get<DispatchService>());
        SignedInAs(nodeCode, role);
        var cut = Render<StaffConsole>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=console]")));
        return cut;
    }
}
