using System.Text;
using Bunit;
using CommandCenter.Core.Duty;
using CommandCenter.Infrastructure.Duty;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Pages.Admin;
using CommandCenter.Web.Tests.Admin;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Duty;

/// <summary>
/// The roster page on a real store, as the city administrator unless said otherwise. The clock reads 10:00 city time
/// on 2026-11-27, so the day shift is the one being worked.
/// </summary>
public sealed class DutyAdminPageTests : AdminTestContext
{
    private const string City = "330188";
    private const string Hubin = "330188001";

    [Fact]
    public async Task Save_NewRoster_StoresItAndShowsWhoIsOnDutyNow()
    {
        await UseStoreAsync();
        var page = RenderPage<DutyAdmin>();

        page.Find("[data-testid=crew-onduty]").Change("张伟 13800000001 duty-hubin、李娜 13800000002");
        page.Find("[data-testid=crew-leader]").Change("王强 13900000001");
        page.FindAll("[data-testid=crew-onduty]")[1].Change("赵敏 13700000009");
        await page.Find("[data-testid=duty-save]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("已保存明湖市的值班表。", page.Find("[data-testid=duty-message]").TextContent));
        var stored = await Store.Get<IDutyDirectory>().OnDutyAsync(City, StoreHost.Start, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal("白班", stored.Shift.Name);
        Assert.Equal([DutyRosters.Zhang, DutyRosters.Li], stored.Crew.OnDuty);
        Assert.Equal(DutyRosters.Wang, stored.Crew.Leader);
        Assert.Equal("张伟 13800000001、李娜 13800000002", page.Find("[data-testid=duty-current] td:nth-child(3)").TextContent);
        Assert.Equal(DutyAdmin.WeekDays * 2, page.FindAll("[data-testid=duty-now] tbody tr").Count);
    }

    [Fact]
    public async Task Save_OverlappingShifts_NamesThemAndStoresNothing()
    {
        await UseStoreAsync();
        var page = RenderPage<DutyAdmin>();

        page.FindAll("[data-testid=shift-start]")[1].Change("19:00");
        page.Find("[data-testid=crew-onduty]").Change("张伟 13800000001");
        await page.Find("[data-testid=duty-save]").ClickAsync(new());

        Assert.Equal(["班次“白班”与“夜班”时间重叠。"], page.FindAll("[data-testid=duty-problems] li").Select(li => li.TextContent));
        Assert.Null(await Store.Get<DutyRosterAdministration>().ReadAsync(City));
    }

    [Fact]
    public async Task Save_PersonWithoutPhoneOrAccount_SaysOnWhichDayAndShift()
    {
        await UseStoreAsync();
        var page = RenderPage<DutyAdmin>();

        page.Find("[data-testid=duty-cycle-days]").Change("2");
        page.FindAll("[data-testid=crew-onduty]")[3].Change("赵六");
        await page.Find("[data-testid=duty-save]").ClickAsync(new());

        Assert.Equal(["第 2 天夜班：赵六既没有电话也没有账号，无法联系。"], page.FindAll("[data-testid=duty-problems] li").Select(li => li.TextContent));
        Assert.Null(await Store.Get<DutyRosterAdministration>().ReadAsync(City));
    }

    [Fact]
    public async Task Save_AfterSomeoneElseSaved_SaysWhoAndKeepsTheirs()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, City, DutyRosters.MorningAndAfternoon());
        var page = RenderPage<DutyAdmin>();
        var theirs = DutyRosters.MorningAndAfternoon() with { Rotation = new(new DateOnly(2026, 11, 2), DutyRosters.MorningAndAfternoon().Rotation.Days) };
        Assert.True((await Store.Get<DutyRosterAdministration>().SaveAsync(City, theirs, 1, new("u-duty", "市值班员", Core.Access.Role.DutyOfficer, City))).Done);

        page.Find("[data-testid=crew-onduty]").Change("赵敏 13700000009");
        await page.Find("[data-testid=duty-save]").ClickAsync(new());

        Assert.StartsWith("明湖市 (330188)的值班表在您编辑期间已由市值班员于", Assert.Single(page.FindAll("[data-testid=duty-problems] li")).TextContent, StringComparison.Ordinal);
        Assert.Equal(2, (await Store.Get<DutyRosterAdministration>().ReadAsync(City))!.Version);
    }

    [Fact]
    public async Task NowTable_AtNight_ShowsTheNightShiftThatBeganYesterdayAsCurrent()
    {
        await UseStoreAsync();
        DutyRosterDocument dayAndNight = new(
            [new("白班", new(8, 0), new(20, 0)), new("夜班", new(20, 0), new(8, 0))],
            new DutyRotation(new DateOnly(2026, 11, 1), [new Dictionary<string, DutyCrew> { ["白班"] = new([DutyRosters.Zhang], null), ["夜班"] = new([DutyRosters.Li], null) }]),
            []);
        await DutyRosters.SaveAsync(Store, City, dayAndNight);
        Time.Advance(TimeSpan.FromHours(16)); // 02:00 on 28 November

        var page = RenderPage<DutyAdmin>();

        var current = page.Find("[data-testid=duty-current]");
        Assert.StartsWith("11-27", current.Children[0].TextContent, StringComparison.Ordinal);
        Assert.Equal(("夜班 20:00–08:00", "李娜 13800000002"), (current.Children[1].TextContent, current.Children[2].TextContent));
        Assert.Equal(1 + DutyAdmin.WeekDays * 2, page.FindAll("[data-testid=duty-now] tbody tr").Count);
    }

    [Fact]
    public async Task SwapForm_AfterMidnight_DefaultsToTheNightShiftBeingWorked_AndStandsInForIt()
    {
        await UseStoreAsync();
        DutyRosterDocument dayAndNight = new(
            [new("白班", new(8, 0), new(20, 0)), new("夜班", new(20, 0), new(8, 0))],
            new DutyRotation(new DateOnly(2026, 11, 1), [new Dictionary<string, DutyCrew> { ["白班"] = new([DutyRosters.Zhang], null), ["夜班"] = new([DutyRosters.Li], null) }]),
            []);
        await DutyRosters.SaveAsync(Store, City, dayAndNight);
        Time.Advance(TimeSpan.FromHours(16)); // 02:00 on 28 November: the night shift of the 27th is being worked

        var page = RenderPage<DutyAdmin>();
        Assert.Equal(("2026-11-27", "夜班"), (page.Find("[data-testid=swap-day]").GetAttribute("value"), page.Find("[data-testid=swap-shift]").GetAttribute("value")));
        page.Find("[data-testid=swap-replaced]").Change("李娜");
        page.Find("[data-testid=swap-by]").Change("赵敏 13700000009");
        await page.Find("[data-testid=swap-add]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("已登记明湖市的换班。", page.Find("[data-testid=duty-message]").TextContent));
        var watch = await Store.Get<IDutyDirectory>().OnDutyAsync(City, Time.GetUtcNow(), CancellationToken.None);
        Assert.Equal("赵敏", Assert.Single(watch!.Crew.OnDuty).Name);
    }

    [Fact]
    public async Task ChoosingANodeNotOffered_ChangesNothing()
    {
        SignedInAs(Hubin, "DutyOfficer");
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, City, DutyRosters.MorningAndAfternoon());
        var page = RenderPage<DutyAdmin>();

        page.Find("[data-testid=duty-node]").Change(City); // a circuit can send any value

        Assert.DoesNotContain("13800000001", page.Markup, StringComparison.Ordinal);
        Assert.Equal(Hubin, page.Find("[data-testid=duty-node]").GetAttribute("value"));
    }

    [Fact]
    public async Task AddSwap_StandsInForTodayAndIsListed()
    {
        await UseStoreAsync();
        await DutyRosters.SaveAsync(Store, City, DutyRosters.MorningAndAfternoon());
        var page = RenderPage<DutyAdmin>();

        page.Find("[data-testid=swap-day]").Change("2026-11-27");
        page.Find("[data-testid=swap-shift]").Change("上午");
        page.Find("[data-testid=swap-replaced]").Change("张伟");
        page.Find("[data-testid=swap-by]").Change("赵敏 13700000009");
        await page.Find("[data-testid=swap-add]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("已登记明湖市的换班。", page.Find("[data-testid=duty-message]").TextContent));
        Assert.Equal(["2026-11-27", "上午", "张伟", "赵敏 13700000009"], page.Find("[data-testid=swap-row]").Children.Take(4).Select(c => c.TextContent));
        Assert.Equal("赵敏 13700000009", page.Find("[data-testid=duty-current] td:nth-child(3)").TextContent);
        var watch = await Store.Get<IDutyDirectory>().OnDutyAsync(City, StoreHost.Start, CancellationToken.None);
        Assert.Equal("赵敏", Assert.Single(watch!.Crew.OnDuty).Name);
    }

    [Fact]
    public async Task DutyOfficer_ReachesOnlyTheirOwnNode()
    {
        SignedInAs(Hubin, "DutyOfficer");
        await UseStoreAsync();

        var page = RenderPage<DutyAdmin>();

        Assert.Equal([Hubin], page.FindAll("[data-testid=duty-node] option").Select(o => o.GetAttribute("value")));
    }

    [Fact]
    public async Task Import_SeveralBadRows_NamesEachRowAndSavesNothing()
    {
        await UseStoreAsync();
        var page = RenderPage<DutyAdmin>();
        var csv = DutyImportTests.Header
            + "330188001,2026-11-01,1,白班,08:00,20:00,值班,张伟,13800000001,\r\n"   // row 2: good
            + "330188999,2026-11-01,1,白班,08:00,20:00,值班,李娜,13800000002,\r\n"   // row 3: unknown node
            + "330188001,2026-11-01,1,夜班,20:00,25:00,值班,李娜,13800000002,\r\n"   // row 4: bad time
            + "330188001,2026-11-01,2,白班,08:00,20:00,值班,王强,,\r\n"              // row 5: no phone, no account
            + "330188001,2026-11-01,1,早班,07:00,09:00,值班,赵敏,13700000009,\r\n"   // row 6: overlaps 白班
            + "330188001002001,,1,白班,08:00,20:00,值班,钱宇,13600000001,\r\n"      // row 7: a grid
            + "330188001,2026-11-01,1,白班,08:00,20:00,司机,孙丽,13500000001,\r\n"; // row 8: unknown role

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(Encoding.UTF8.GetBytes(csv), "值班表.csv"));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=duty-import-problem]")));
        var problems = page.FindAll("[data-testid=duty-import-problem]").Select(r => (Row: r.GetAttribute("data-row"), Text: r.Children[1].TextContent)).ToList();
        Assert.Equal(["3", "4", "5", "6", "7", "8"], problems.Select(p => p.Row!));
        Assert.Equal("城市地图中没有节点 330188999。", problems[0].Text);
        Assert.Equal("结束时间“25:00”无法识别（格式 08:00）。", problems[1].Text);
        Assert.Equal("电话和账号至少填一项。", problems[2].Text);
        Assert.Equal("班次“早班”与第 2 行的班次“白班”时间重叠。", problems[3].Text);
        Assert.EndsWith("是网格，不设值班表。", problems[4].Text, StringComparison.Ordinal);
        Assert.Equal("职责“司机”应为“值班”或“带班”。", problems[5].Text);
        Assert.Equal("未导入：6 行有误，请修改后重新上传。", page.Find("[data-testid=duty-import-refused]").TextContent);
        await using var db = Store.NewDbContext();
        Assert.Equal(0, await db.DutyRosters.CountAsync());
    }
}
