using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Duty;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Duty;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Duty;

/// <summary>
/// <see cref="DutyRosterAdministration"/> on a real store with the demo city: 湖滨街道 (330188001) has a duty officer
/// and an administrator of its own; 望江街道 (330188002) is its neighbour. The store's clock reads 10:00 city time.
/// </summary>
public sealed class DutyRosterAdministrationTests
{
    private const string City = "330188";
    private const string Hubin = "330188001";
    private const string HubinCommunity = "330188001002";
    private const string Wangjiang = "330188002";

    private static readonly Operator CityAdmin = new("u-admin", "系统管理员", Role.Admin, City);
    private static readonly Operator HubinAdmin = new("u-hubin-admin", "湖滨管理员", Role.Admin, Hubin);
    private static readonly Operator HubinDuty = new("u-hubin-duty", "湖滨街道值班员", Role.DutyOfficer, Hubin);
    private static readonly Operator HubinStaff = new("u-hubin-1", "陈静", Role.Staff, Hubin);

    private static readonly DutyPerson Zhang = new("张伟", "13800000001", "duty-hubin");
    private static readonly DutyPerson Li = new("李娜", "13800000002");
    private static readonly DutyPerson Wang = new("王强", "13900000001");

    [Fact]
    public async Task SaveAsync_NewRoster_ReadsBackAsSavedAtVersionOne()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var admin = host.Get<DutyRosterAdministration>();

        var saved = await admin.SaveAsync(Hubin, DayAndNight(), null, HubinDuty);

        Assert.True(saved.Done);
        var read = await admin.ReadAsync(Hubin);
        Assert.NotNull(read);
        Assert.Equal((1L, "湖滨街道值班员"), (read.Version, read.UpdatedBy));
        Assert.Equal(DayAndNight().ToJson(), read.Document.ToJson());
        var watch = await host.Get<IDutyDirectory>().OnDutyAsync(Hubin, StoreHost.Start, CancellationToken.None);
        Assert.NotNull(watch);
        Assert.Equal(("白班", Zhang, Wang), (watch.Shift.Name, Assert.Single(watch.Crew.OnDuty), watch.Crew.Leader));
    }

    [Fact]
    public async Task SaveAsync_OverAnOlderVersion_IsRefusedNamingWhoSavedSince()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var admin = host.Get<DutyRosterAdministration>();
        await admin.SaveAsync(Hubin, DayAndNight(), null, HubinDuty);
        var theirs = DayAndNight() with { Rotation = new DutyRotation(new DateOnly(2026, 11, 1), [Day(Li, Zhang)]) };
        Assert.True((await admin.SaveAsync(Hubin, theirs, 1, HubinAdmin)).Done);

        var mine = await admin.SaveAsync(Hubin, DayAndNight(), 1, HubinDuty);

        Assert.Equal(SetupRefusal.Conflict, mine.Refusal);
        var problem = Assert.Single(mine.Problems);
        Assert.Equal("Problem_Duty_Stale", problem.Key);
        Assert.Equal("湖滨管理员", problem.Args[1]);
        var stored = await admin.ReadAsync(Hubin);
        Assert.Equal((2L, theirs.ToJson()), (stored!.Version, stored.Document.ToJson()));
    }

    [Fact]
    public async Task SaveAsync_OverlappingShifts_IsRefusedNamingBothAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var admin = host.Get<DutyRosterAdministration>();
        var overlapping = DayAndNight() with { Shifts = [new("白班", new(8, 0), new(20, 0)), new("夜班", new(19, 0), new(8, 0))] };

        var result = await admin.SaveAsync(Hubin, overlapping, null, HubinDuty);

        Assert.Equal(SetupRefusal.Invalid, result.Refusal);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("Problem_Duty_ShiftsOverlap", "白班", "夜班"), (problem.Key, problem.Args[0], problem.Args[1]));
        Assert.Null(await admin.ReadAsync(Hubin));
    }

    [Fact]
    public async Task SaveAsync_PersonWithNeitherPhoneNorAccount_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var admin = host.Get<DutyRosterAdministration>();
        var unreachable = DayAndNight() with { Rotation = new DutyRotation(new DateOnly(2026, 11, 1), [Day(new DutyPerson("赵六", null), Wang)]) };

        var result = await admin.SaveAsync(Hubin, unreachable, null, HubinDuty);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("Problem_Duty_PersonContactRequired", 1, "白班", "赵六"), (problem.Key, problem.Args[0], problem.Args[1], problem.Args[2]));
        Assert.Null(await admin.ReadAsync(Hubin));
    }

    [Theory]
    [InlineData(Hubin, true)]
    [InlineData(HubinCommunity, false)]
    [InlineData(Wangjiang, false)]
    [InlineData(City, false)]
    public async Task SaveAsync_DutyOfficer_EditsOnlyTheirOwnNode(string nodeCode, bool allowed)
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await host.Get<DutyRosterAdministration>().SaveAsync(nodeCode, DayAndNight(), null, HubinDuty);

        Assert.Equal(allowed ? null : SetupRefusal.Forbidden, result.Refusal);
        Assert.Equal(allowed, await host.Get<DutyRosterAdministration>().ReadAsync(nodeCode) is not null);
    }

    [Theory]
    [InlineData(Hubin, true)]
    [InlineData(HubinCommunity, true)]
    [InlineData(Wangjiang, false)]
    [InlineData(City, false)]
    public async Task SaveAsync_TownAdmin_EditsTheirSubtree(string nodeCode, bool allowed)
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await host.Get<DutyRosterAdministration>().SaveAsync(nodeCode, DayAndNight(), null, HubinAdmin);

        Assert.Equal(allowed ? null : SetupRefusal.Forbidden, result.Refusal);
    }

    [Fact]
    public async Task SaveAsync_StaffOrAGrid_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var admin = host.Get<DutyRosterAdministration>();

        var staff = await admin.SaveAsync(Hubin, DayAndNight(), null, HubinStaff);
        var grid = await admin.SaveAsync(HubinCommunity + "001", DayAndNight(), null, CityAdmin);

        Assert.Equal(SetupRefusal.Forbidden, staff.Refusal);
        Assert.Equal(("Problem_Duty_NodeKeepsNone", SetupRefusal.Invalid), (Assert.Single(grid.Problems).Key, grid.Refusal!.Value));
        await using var db = host.NewDbContext();
        Assert.Equal(0, await db.DutyRosters.CountAsync());
    }

    [Fact]
    public async Task Changes_EachWriteOneAuditEntryOnTheRoster()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var admin = host.Get<DutyRosterAdministration>();

        await admin.SaveAsync(Hubin, DayAndNight(), null, HubinDuty);
        await admin.AddSwapAsync(Hubin, new DutySwap(new DateOnly(2026, 11, 28), "白班", "张伟", Li), 1, HubinDuty);
        await admin.RemoveSwapAsync(Hubin, 0, 2, HubinAdmin);
        await admin.DeleteAsync(Hubin, 3, CityAdmin);

        await using var db = host.NewDbContext();
        var entries = await db.AuditEntries.Where(e => e.Subject == AuditSubject.DutyRoster && e.SubjectId == Hubin).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(
            [
                (AuditAction.DutyRosterChanged, "湖滨街道值班员", "DutyOfficer@330188001"),
                (AuditAction.DutySwapAdded, "湖滨街道值班员", "DutyOfficer@330188001"),
                (AuditAction.DutySwapRemoved, "湖滨管理员", "Admin@330188001"),
                (AuditAction.DutyRosterDeleted, "系统管理员", "Admin@330188"),
            ],
            entries.Select(e => (e.Action, e.Actor, e.Seat!)));
        Assert.Contains("2026-11-28 白班: 张伟 → 李娜", entries[1].Comment, StringComparison.Ordinal);
        Assert.Contains("白班 08:00–20:00", entries[0].Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSwapAsync_StandsInForTheOneReplaced_OnThatDayOnly()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var admin = host.Get<DutyRosterAdministration>();
        await admin.SaveAsync(Hubin, DayAndNight(), null, HubinDuty);

        var result = await admin.AddSwapAsync(Hubin, new DutySwap(new DateOnly(2026, 11, 27), "白班", "张伟", Li), 1, HubinDuty);

        Assert.True(result.Done);
        var directory = host.Get<IDutyDirectory>();
        Assert.Equal([Li], (await directory.OnDutyAsync(Hubin, StoreHost.Start, CancellationToken.None))!.Crew.OnDuty);
        Assert.Equal([Zhang], (await directory.OnDutyAsync(Hubin, StoreHost.Start.AddDays(1), CancellationToken.None))!.Crew.OnDuty);
    }

    [Fact]
    public async Task AddSwapAsync_ReplacingSomeoneNotOnThatShift_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var admin = host.Get<DutyRosterAdministration>();
        await admin.SaveAsync(Hubin, DayAndNight(), null, HubinDuty);

        var result = await admin.AddSwapAsync(Hubin, new DutySwap(new DateOnly(2026, 11, 27), "夜班", "张伟", Li), 1, HubinDuty);

        Assert.Equal("Problem_Duty_SwapReplacedUnknown", Assert.Single(result.Problems).Key);
        Assert.Equal(1, (await admin.ReadAsync(Hubin))!.Version);
    }

    [Fact]
    public async Task ImportAsync_OneBadRoster_SavesNoneOfThem()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var admin = host.Get<DutyRosterAdministration>();
        var bad = DayAndNight() with { Shifts = [new("白班", new(8, 0), new(20, 0))] };

        var result = await admin.ImportAsync(new Dictionary<string, DutyRosterDocument> { [Hubin] = DayAndNight(), [HubinCommunity] = bad }, "duty.xlsx", HubinAdmin);

        Assert.Equal(SetupRefusal.Invalid, result.Refusal);
        Assert.Equal(("Problem_Duty_ShiftUnknown", "夜班"), (Assert.Single(result.Problems).Key, (string)result.Problems[0].Args[0]));
        await using var db = host.NewDbContext();
        Assert.Equal(0, await db.DutyRosters.CountAsync());
    }

    private static DutyRosterDocument DayAndNight() => new(
        [new("白班", new(8, 0), new(20, 0)), new("夜班", new(20, 0), new(8, 0))],
        new DutyRotation(new DateOnly(2026, 11, 1), [Day(Zhang, Li)]),
        []);

    private static Dictionary<string, DutyCrew> Day(DutyPerson day, DutyPerson night) => new()
    {
        ["白班"] = new([day], Wang),
        ["夜班"] = new([night], null),
    };
}
