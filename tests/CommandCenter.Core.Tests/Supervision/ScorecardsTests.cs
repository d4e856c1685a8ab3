using CommandCenter.Core.Supervision;

namespace CommandCenter.Core.Tests.Supervision;

/// <summary>The supervision arithmetic on constructed data sets whose answers are known.</summary>
public class ScorecardsTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset _asOf = _t0.AddDays(30);

    [Fact]
    public void Compute_ThePublishedExample_ClosureRate96Point16AndOnTime89Point62()
    {
        // 24,932 cases due: 22,345 closed on time, 1,629 closed late, 958 still open past their deadline.
        var alerts = Enumerable.Repeat(Alert(closedAt: _t0.AddHours(1)), 22_345)
            .Concat(Enumerable.Repeat(Alert(closedAt: _t0.AddHours(30)), 1_629))
            .Concat(Enumerable.Repeat(Alert(closedAt: null), 958));

        var card = Scorecards.Compute(alerts, ["A"], _asOf).Single();

        Assert.Equal((24_932, 23_974, 22_345), (card.ClosureDue, card.Closed, card.ClosedOnTime));
        Assert.Equal(0.9616, card.ClosureRate!.Value, precision: 4);
        Assert.Equal(0.8962, card.OnTimeClosureRate!.Value, precision: 4);
    }

    [Fact]
    public void Compute_SmallSet_EveryCountAndRate()
    {
        ScoredAlert[] alerts =
        [
            // acknowledged on time, closed on time, handled once, 2 repeats
            Alert(ackAt: _t0.AddMinutes(10), closedAt: _t0.AddHours(2), resolved: true, reports: 3),
            // acknowledged late, closed late after a rework
            Alert(ackAt: _t0.AddMinutes(45), closedAt: _t0.AddHours(30), resolved: true, sentBack: true),
            // acknowledged on time, handled, not closed though its closure deadline has passed; a late report
            Alert(ackAt: _t0.AddMinutes(5), resolved: true, late: true),
            // never acknowledged, deadline passed; missed by the grid worker
            Alert(missed: true),
            // voided: counts as filed and as a report, nothing was due
            Alert(voided: true),
            // raised just now: acknowledge and closure deadlines still ahead, so nothing is due yet
            Alert(ackBy: _asOf.AddMinutes(20), closureBy: _asOf.AddDays(1)),
        ];

        var card = Scorecards.Compute(alerts, ["A"], _asOf).Single();

        Assert.Equal(
            (6, 1, 4, 2, 4, 2, 1, 3, 1, 1, 1, 8),
            (card.Filed, card.Voided, card.AcknowledgeDue, card.AcknowledgedOnTime, card.ClosureDue, card.Closed, card.ClosedOnTime,
                card.Handled, card.Reworked, card.LateReports, card.MissedReports, card.Reports));
        Assert.Equal(0.5, card.OnTimeAcknowledgeRate);
        Assert.Equal(0.5, card.ClosureRate);
        Assert.Equal(0.25, card.OnTimeClosureRate);
        Assert.Equal(1.0 / 3, card.ReworkRate!.Value, precision: 10);
        Assert.Equal(5.0 / 6, card.AccurateFilingRate!.Value, precision: 10);
        Assert.Equal(1.0 / 6, card.MissedReportRate!.Value, precision: 10);
        Assert.Equal(5.0 / 8, card.ValidInformationShare);

        // 100 × (0.3×0.5 + 0.4×0.25 + 0.2×(1 − 1/3) + 0.1×0.625) − 2×(1 late + 1 missed)
        Assert.Equal(100 * (0.15 + 0.1 + 0.2 * (2.0 / 3) + 0.0625) - 4, card.Score!.Value, precision: 10);
    }

    [Fact]
    public void Compute_UnitWithoutAlerts_HasAnEmptyCardAndNoRates()
    {
        var card = Scorecards.Compute([], ["A"], _asOf).Single();

        Assert.Equal(0, card.Filed);
        Assert.Null(card.ClosureRate);
        Assert.Null(card.OnTimeAcknowledgeRate);
        Assert.Null(card.Score);
    }

    [Fact]
    public void Score_NothingDueForClosureYet_TheOtherWeightsFillItsPlace()
    {
        // Acknowledged on time, closure not yet due, nothing handled: ack (0.3) and valid information (0.1) count.
        var card = Scorecards.Compute([Alert(ackAt: _t0.AddMinutes(5), closureBy: _asOf.AddDays(1))], ["A"], _asOf).Single();

        Assert.Null(card.OnTimeClosureRate);
        Assert.Null(card.ReworkRate);
        Assert.Equal(100 * (0.3 * 1 + 0.1 * 1) / 0.4, card.Score!.Value, precision: 10);
    }

    [Fact]
    public void Score_ALateAcknowledgementOnly_IsZeroForTheAckPartAndCountsValidInformation()
    {
        var card = Scorecards.Compute([Alert(ackAt: _t0.AddHours(2), closureBy: _asOf.AddDays(1))], ["A"], _asOf).Single();

        Assert.Equal(100 * (0.3 * 0 + 0.1 * 1) / 0.4, card.Score!.Value, precision: 10);
    }

    [Fact]
    public void Compute_ScoreNeverBelowZero()
    {
        var alerts = Enumerable.Repeat(Alert(ackAt: _t0.AddHours(5), late: true, missed: true), 40);

        Assert.Equal(0, Scorecards.Compute(alerts, ["A"], _asOf).Single().Score);
    }

    [Fact]
    public void RedAndBlackLists_FiveBestAndFiveWorst_UnitsWithoutAScoreLeftOut()
    {
        // Unit Un closes n of 10 on time; "idle" has nothing due.
        var units = Enumerable.Range(0, 11).Select(n => $"U{n:D2}").ToList();
        var alerts = units.SelectMany((unit, n) => Enumerable.Range(0, 10).Select(i =>
            Alert(unit: unit, ackAt: _t0.AddMinutes(1), closedAt: i < n ? _t0.AddHours(1) : _t0.AddHours(30))));
        var cards = Scorecards.Compute(alerts, [.. units, "idle"], _asOf);

        Assert.Equal(["U10", "U09", "U08", "U07", "U06"], Scorecards.RedList(cards).Select(c => c.UnitCode));
        Assert.Equal(["U00", "U01", "U02", "U03", "U04"], Scorecards.BlackList(cards).Select(c => c.UnitCode));
    }

    private static ScoredAlert Alert(
        string unit = "A",
        DateTimeOffset? ackAt = null,
        DateTimeOffset? closedAt = null,
        DateTimeOffset? ackBy = null,
        DateTimeOffset? closureBy = null,
        bool voided = false,
        bool resolved = false,
        bool sentBack = false,
        bool late = false,
        bool missed = false,
        int reports = 1) =>
        new(unit, reports, voided, ackBy ?? _t0.AddMinutes(30), ackAt, closureBy ?? _t0.AddHours(24), closedAt, resolved, sentBack, late, missed);
}
