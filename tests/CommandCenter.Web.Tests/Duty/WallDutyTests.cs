using Bunit;
using CommandCenter.Core.Duty;
using CommandCenter.Infrastructure.Duty;
using CommandCenter.Web.Components.Duty;
using CommandCenter.Web.Tests.Wall;

using WallPage = CommandCenter.Web.Components.Pages.Wall;

namespace CommandCenter.Web.Tests.Duty;

/// <summary>The wall's header names who is on duty for its scope, follows the shift change and edits, and shows a gap.</summary>
public sealed class WallDutyTests : WallTestContext
{
    private const string City = "330188";
    private const string Hubin = "330188001";

    [Fact]
    public async Task Header_ShowsTheOnDutyAndTheLeaderWithPhones()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, City, DutyRosters.MorningAndAfternoon());

        var cut = Render<WallPage>();

        cut.WaitForAssertion(() => Assert.Equal("张伟 13800000001", Header(cut, "duty-person")));
        Assert.Equal("王强 13900000001", Header(cut, "duty-leader"));
        Assert.Equal("上午 至 10:05", Header(cut, "duty-until"));
        Assert.Empty(cut.FindAll("[data-testid=duty-gap]"));
    }

    [Fact]
    public async Task ShiftChange_TheHeaderShowsTheNextCrewAtTheBoundary()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, City, DutyRosters.MorningAndAfternoon());
        var cut = Render<WallPage>();
        cut.WaitForAssertion(() => Assert.Equal("张伟 13800000001", Header(cut, "duty-person")));

        Time.Advance(DutyRosters.UntilShiftChange - TimeSpan.FromSeconds(1));
        Assert.Equal("张伟 13800000001", Header(cut, "duty-person"));
        Time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Equal("李娜 13800000002", Header(cut, "duty-person")));
        Assert.Empty(cut.FindAll("[data-testid=duty-leader]"));
    }

    [Fact]
    public async Task RosterEdited_TheHeaderFollowsWithoutAReload()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, City, DutyRosters.MorningAndAfternoon());
        var cut = Render<WallPage>();
        cut.WaitForAssertion(() => Assert.Equal("张伟 13800000001", Header(cut, "duty-person")));

        var swapped = await Store.Get<DutyRosterAdministration>().AddSwapAsync(
            City, new DutySwap(new DateOnly(2026, 11, 27), "上午", "张伟", new DutyPerson("赵敏", "13700000009")), 1, DutyRosters.CityAdmin);
        Assert.True(swapped.Done);

        cut.WaitForAssertion(() => Assert.Equal("赵敏 13700000009", Header(cut, "duty-person")));
    }

    [Fact]
    public async Task TownWithoutARoster_ShowsTheGapWarning()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, City, DutyRosters.MorningAndAfternoon());

        var cut = Render<WallPage>(p => p.Add(c => c.TownCode, Hubin));

        cut.WaitForAssertion(() => Assert.Equal("值班空缺", Header(cut, "duty-gap")));
        Assert.Contains("gap", cut.Find(".wall-header [data-testid=on-duty]").ClassList);
        Assert.Empty(cut.FindAll("[data-testid=duty-person]"));
    }

    [Fact]
    public async Task UnmannedShift_ShowsTheGapWarningUntilSomeoneHoldsIt()
    {
        await UseStoreAsync();
        var unmanned = DutyRosters.MorningAndAfternoon() with
        {
            Rotation = new DutyRotation(new DateOnly(2026, 11, 1), [new Dictionary<string, DutyCrew> { ["下午"] = new([DutyRosters.Li], null) }]),
        };
        await DutyRosters.SaveAsync(Store, City, unmanned);
        var cut = Render<WallPage>();

        cut.WaitForAssertion(() => Assert.Equal("值班空缺", Header(cut, "duty-gap")));
        Time.Advance(DutyRosters.UntilShiftChange);

        cut.WaitForAssertion(() => Assert.Equal("李娜 13800000002", Header(cut, "duty-person")));
        Assert.Empty(cut.FindAll("[data-testid=duty-gap]"));
    }

    [Fact]
    public async Task CityWall_NamesTheTownsWithNobodyOnDuty_AndDropsOneOnceItHasARoster()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, City, DutyRosters.MorningAndAfternoon());
        var cut = Render<WallPage>();
        cut.WaitForAssertion(() => Assert.Equal("6 个镇街值班空缺：湖滨街道、望江街道、东城街道、青山镇、柳塘镇、石桥镇", Header(cut, "duty-town-gaps")));

        await DutyRosters.SaveAsync(Store, Hubin, DutyRosters.MorningAndAfternoon());

        cut.WaitForAssertion(() => Assert.Equal("5 个镇街值班空缺：望江街道、东城街道、青山镇、柳塘镇、石桥镇", Header(cut, "duty-town-gaps")));
    }

    [Fact]
    public async Task TownWall_ListsNoOtherTowns()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, Hubin, DutyRosters.MorningAndAfternoon());

        var cut = Render<WallPage>(p => p.Add(c => c.TownCode, Hubin));

        cut.WaitForAssertion(() => Assert.Equal("张伟 13800000001", Header(cut, "duty-person")));
        Assert.Empty(cut.FindAll("[data-testid=duty-town-gaps]"));
    }

    [Fact]
    public async Task Dispose_StopsTheShiftTimer()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, City, DutyRosters.MorningAndAfternoon());
        var cut = Render<OnDuty>(p => p.Add(c => c.NodeCode, City));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Instance.Watch));
        var before = cut.Instance.Watch;

        cut.Instance.Dispose();
        Time.Advance(DutyRosters.UntilShiftChange);

        Assert.Same(before, cut.Instance.Watch);
    }

    private static string Header(IRenderedComponent<WallPage> cut, string testId) =>
        cut.Find($".wall-header [data-testid={testId}]").TextContent.Trim();
}
