using CommandCenter.Core.Duty;

namespace CommandCenter.Core.Tests.Duty;

/// <summary>
/// Who is on duty when, in city time (UTC+8): a day shift and a night shift that runs past the city's midnight, a
/// two-day rotation anchored on Tuesday 1 December 2026, and the swaps of particular days.
/// </summary>
public sealed class DutyRosterTests
{
    private static readonly DutyShift Day = new("白班", new TimeOnly(8, 0), new TimeOnly(20, 0));
    private static readonly DutyShift Night = new("夜班", new TimeOnly(20, 0), new TimeOnly(8, 0));
    private static readonly DutyPerson Zhang = new("张伟", "13800000001", "duty-hubin");
    private static readonly DutyPerson Li = new("李娜", "13800000002");
    private static readonly DutyPerson Wang = new("王强", "13800000003");
    private static readonly DutyPerson Zhao = new("赵敏", "13800000004");
    private static readonly DutyPerson LeaderChen = new("陈主任", "13900000001", "leader-hubin");
    private static readonly DutyPerson LeaderLiu = new("刘副主任", "13900000002");

    private static readonly DutyRotation TwoDays = new(new DateOnly(2026, 12, 1),
    [
        new Dictionary<string, DutyCrew> { ["白班"] = new([Zhang], LeaderChen), ["夜班"] = new([Li], LeaderChen) },
        new Dictionary<string, DutyCrew> { ["白班"] = new([Wang], LeaderLiu), ["夜班"] = new([Zhao], LeaderLiu) },
    ]);

    private static DutyRoster Roster(params DutySwap[] swaps) => new("330188001", [Day, Night], TwoDays, swaps);

    /// <summary>City time → the shift, the day it belongs to, who is on duty and the leader on call.</summary>
    public static TheoryData<string, string, string, string, string> Watches() => new()
    {
        { "2026-12-01T08:00:00+08:00", "白班", "2026-12-01", "张伟", "陈主任" }, // the shift starts on the minute
        { "2026-12-01T19:59:59+08:00", "白班", "2026-12-01", "张伟", "陈主任" },
        { "2026-12-01T20:00:00+08:00", "夜班", "2026-12-01", "李娜", "陈主任" }, // and ends when the next starts
        { "2026-12-02T00:00:00+08:00", "夜班", "2026-12-01", "李娜", "陈主任" }, // the city's midnight: still the 1st's night
        { "2026-12-02T07:59:59+08:00", "夜班", "2026-12-01", "李娜", "陈主任" },
        { "2026-12-02T08:00:00+08:00", "白班", "2026-12-02", "王强", "刘副主任" }, // day 1 of the cycle
        { "2026-12-03T03:00:00+08:00", "夜班", "2026-12-02", "赵敏", "刘副主任" },
        { "2026-12-03T12:00:00+08:00", "白班", "2026-12-03", "张伟", "陈主任" }, // the cycle repeats
        { "2026-11-30T12:00:00+08:00", "白班", "2026-11-30", "王强", "刘副主任" }, // and runs backwards from its anchor
        { "2026-12-04T16:00:00+00:00", "夜班", "2026-12-04", "赵敏", "刘副主任" }, // 00:00 in the city, 16:00 UTC
        { "2026-12-04T23:30:00+00:00", "夜班", "2026-12-04", "赵敏", "刘副主任" }, // 07:30 on the 5th in the city
        { "2026-12-05T00:00:00+00:00", "白班", "2026-12-05", "张伟", "陈主任" }, // 08:00 on the 5th
    };

    [Theory]
    [MemberData(nameof(Watches))]
    public void At_ReadsTheShiftAndCrewInCityTime(string instant, string shift, string day, string onDuty, string leader)
    {
        var watch = Roster().At(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture))!;

        Assert.Equal((shift, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), onDuty, leader),
            (watch.Shift.Name, watch.Day, string.Join("、", watch.Crew.OnDuty.Select(p => p.Name)), watch.Crew.Leader?.Name));
    }

    [Fact]
    public void Swap_ReplacesThatPersonOnThatShiftOfThatDayOnly()
    {
        var roster = Roster(new DutySwap(new DateOnly(2026, 12, 3), "白班", "张伟", Wang));

        Assert.Equal([Wang], roster.At(At("2026-12-03T10:00:00+08:00"))!.Crew.OnDuty);
        Assert.Equal([Li], roster.At(At("2026-12-03T21:00:00+08:00"))!.Crew.OnDuty); // the night of the same day
        Assert.Equal([Zhang], roster.At(At("2026-12-05T10:00:00+08:00"))!.Crew.OnDuty); // the next time round the cycle
    }

    [Fact]
    public void Swap_OfTheLeaderOnCall_ReplacesTheLeader_AndTheNightShiftKeepsItsSwapPastMidnight()
    {
        var roster = Roster(new DutySwap(new DateOnly(2026, 12, 3), "夜班", "陈主任", LeaderLiu));

        var watch = roster.At(At("2026-12-04T02:00:00+08:00"))!;

        Assert.Equal((new DateOnly(2026, 12, 3), LeaderLiu), (watch.Day, watch.Crew.Leader));
        Assert.Equal([Li], watch.Crew.OnDuty);
    }

    [Fact]
    public void Swap_WithNobodyReplaced_AddsAPerson_AndSwapsApplyInOrder()
    {
        var roster = Roster(
            new DutySwap(new DateOnly(2026, 12, 3), "白班", null, Zhao),
            new DutySwap(new DateOnly(2026, 12, 3), "白班", "赵敏", Li));

        Assert.Equal([Zhang, Li], roster.At(At("2026-12-03T09:00:00+08:00"))!.Crew.OnDuty);
    }

    [Fact]
    public void GapBetweenShifts_HasNoWatch_AndAShiftNobodyHolds_IsUnmanned()
    {
        var office = new DutyShift("日间", new TimeOnly(8, 30), new TimeOnly(17, 30));
        var rotation = new DutyRotation(new DateOnly(2026, 12, 1), [new Dictionary<string, DutyCrew> { ["日间"] = new([Zhang], null) }, new Dictionary<string, DutyCrew>()]);
        var roster = new DutyRoster("330188001001", [office], rotation);

        Assert.Null(roster.At(At("2026-12-01T18:00:00+08:00")));
        Assert.False(roster.At(At("2026-12-01T09:00:00+08:00"))!.IsUnmanned);
        Assert.True(roster.At(At("2026-12-02T09:00:00+08:00"))!.IsUnmanned);
    }

    [Fact]
    public void ATwentyFourHourShift_RunsFromItsStartToTheSameTimeNextDay()
    {
        var allDay = new DutyShift("全天", new TimeOnly(9, 0), new TimeOnly(9, 0));
        var rotation = new DutyRotation(new DateOnly(2026, 12, 1), [new Dictionary<string, DutyCrew> { ["全天"] = new([Zhang], LeaderChen) }, new Dictionary<string, DutyCrew> { ["全天"] = new([Li], LeaderChen) }]);
        var roster = new DutyRoster("330188", [allDay], rotation);

        var watch = roster.At(At("2026-12-02T08:59:00+08:00"))!;

        Assert.Equal((new DateOnly(2026, 12, 1), "张伟"), (watch.Day, watch.Crew.OnDuty.Single().Name));
        Assert.Equal("李娜", roster.At(At("2026-12-02T09:00:00+08:00"))!.Crew.OnDuty.Single().Name);
    }

    public static TheoryData<DutyShift[], string> BadShifts() => new()
    {
        { [], "A roster needs at least one shift." },
        { [Day, Day with { Start = new TimeOnly(7, 0) }], "Shift '白班' is defined twice." },
        { [Day, new DutyShift("早班", new TimeOnly(6, 0), new TimeOnly(9, 0)), Night], "Shifts '白班' and '早班' overlap." },
        { [Night, new DutyShift("凌晨", new TimeOnly(1, 0), new TimeOnly(3, 0)), Day], "Shifts '夜班' and '凌晨' overlap." }, // past midnight
        { [Day], "Shift '夜班' is used but not defined." },
    };

    [Theory]
    [MemberData(nameof(BadShifts))]
    public void ARosterThatCannotSayWhoIsOnDuty_IsRefusedSayingWhy(DutyShift[] shifts, string problem)
    {
        Assert.Contains(problem, DutyRoster.Problems(shifts, TwoDays, []));
        Assert.Equal(problem, Assert.Throws<DomainRuleException>(() => new DutyRoster("330188", shifts, TwoDays)).Message, StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-01T10:00:00+08:00", "2026-12-01T20:00:00+08:00")] // the day shift ends
    [InlineData("2026-12-01T20:00:00+08:00", "2026-12-02T08:00:00+08:00")] // on the edge: the next one
    [InlineData("2026-12-02T03:00:00+08:00", "2026-12-02T08:00:00+08:00")] // the night begun yesterday ends
    public void NextChangeAfter_IsTheNextShiftEdge(string instant, string next) =>
        Assert.Equal(At(next), Roster().NextChangeAfter(At(instant)));

    [Fact]
    public void NextChangeAfter_InAGap_IsTheNextShiftsStart()
    {
        var roster = new DutyRoster("330188", [new DutyShift("上午", new TimeOnly(8, 0), new TimeOnly(12, 0)), new DutyShift("下午", new TimeOnly(14, 0), new TimeOnly(18, 0))], new DutyRotation(new DateOnly(2026, 12, 1), []));

        Assert.Equal(At("2026-12-01T14:00:00+08:00"), roster.NextChangeAfter(At("2026-12-01T12:30:00+08:00")));
        Assert.Equal(At("2026-12-02T08:00:00+08:00"), roster.NextChangeAfter(At("2026-12-01T23:00:00+08:00")));
    }

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
}
