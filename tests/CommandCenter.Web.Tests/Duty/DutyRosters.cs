using CommandCenter.Core.Access;
using CommandCenter.Core.Duty;
using CommandCenter.Infrastructure.Duty;
using CommandCenter.Testing;

namespace CommandCenter.Web.Tests.Duty;

/// <summary>
/// Rosters for the screens' tests. The store's clock starts at 10:00 city time on 2026-11-27; the morning shift ends
/// five minutes later, so a test crosses a shift edge by advancing the clock a little, not half a day.
/// </summary>
internal static class DutyRosters
{
    public static readonly Operator CityAdmin = new("u-admin", "系统管理员", Role.Admin, "330188");

    public static readonly DutyPerson Zhang = new("张伟", "13800000001", "duty-hubin");
    public static readonly DutyPerson Li = new("李娜", "13800000002");
    public static readonly DutyPerson Wang = new("王强", "13900000001");

    /// <summary>How long after the store's start the morning shift ends.</summary>
    public static readonly TimeSpan UntilShiftChange = TimeSpan.FromMinutes(5);

    /// <summary>上午 08:00–10:05 (张伟, leader 王强), 下午 10:05–20:00 (李娜), nobody at night.</summary>
    public static DutyRosterDocument MorningAndAfternoon() => new(
        [new("上午", new(8, 0), new(10, 5)), new("下午", new(10, 5), new(20, 0))],
        new DutyRotation(new DateOnly(2026, 11, 1), [new Dictionary<string, DutyCrew>
        {
            ["上午"] = new([Zhang], Wang),
            ["下午"] = new([Li], null),
        }]),
        []);

    public static async Task SaveAsync(StoreHost store, string nodeCode, DutyRosterDocument document)
    {
        var result = await store.Get<DutyRosterAdministration>().SaveAsync(nodeCode, document, null, CityAdmin);
        Assert.True(result.Done, string.Join("; ", result.Problems.Select(p => p.Key)));
    }
}
