using CommandCenter.Core.Alerts;
using CommandCenter.Core.Policies;

namespace CommandCenter.Core.Tests.Alerts;

/// <summary><see cref="AlertRules"/>: what the wall, supervision and the queries count by.</summary>
public class AlertRulesTests
{
    private static readonly DateTimeOffset ReportedAt = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private static readonly StageDeadlines OwnPolicy = new(TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(24), TimeSpan.FromHours(4));

    [Theory]
    [InlineData(AlertState.Reported, true)]
    [InlineData(AlertState.Acknowledged, true)]
    [InlineData(AlertState.Dispatched, true)]
    [InlineData(AlertState.Handling, true)]
    [InlineData(AlertState.Resolved, true)]
    [InlineData(AlertState.Rework, true)]
    [InlineData(AlertState.Closed, false)]
    [InlineData(AlertState.Voided, false)]
    public void IsOpen_EachState_IsFalseOnlyForFinalStates(AlertState state, bool expected)
    {
        Assert.Equal(expected, AlertRules.IsOpen(state));
    }

    [Fact]
    public void AcknowledgeBy_WaitingForAcknowledgement_IsTheStageDeadline()
    {
        var stage = ReportedAt.AddMinutes(12);

        Assert.Equal(stage, AlertRules.AcknowledgeBy(AlertState.Reported, stage, ReportedAt, OwnPolicy));
    }

    [Theory]
    [InlineData(AlertState.Acknowledged)]
    [InlineData(AlertState.Handling)]
    [InlineData(AlertState.Closed)]
    public void AcknowledgeBy_PastAcknowledgement_IsThePolicyLimitFromTheFirstReport(AlertState state)
    {
        Assert.Equal(ReportedAt.AddMinutes(30), AlertRules.AcknowledgeBy(state, ReportedAt.AddHours(5), ReportedAt, OwnPolicy));
    }

    [Fact]
    public void AcknowledgeBy_ReportedWithoutStageDeadline_IsThePolicyLimit()
    {
        Assert.Equal(ReportedAt.AddMinutes(30), AlertRules.AcknowledgeBy(AlertState.Reported, null, ReportedAt, OwnPolicy));
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void AcknowledgedInTime_AroundTheDeadline_HoldsUpToTheDeadlineItself(int secondsAfter, bool expected)
    {
        var deadline = ReportedAt.AddMinutes(30);

        Assert.Equal(expected, AlertRules.AcknowledgedInTime(deadline.AddSeconds(secondsAfter), deadline));
    }

    [Theory]
    [InlineData(AlertState.Reported, AlertState.Acknowledged, true)]
    [InlineData(AlertState.Reported, AlertState.Voided, false)]
    [InlineData(AlertState.Dispatched, AlertState.Handling, false)]
    [InlineData(null, AlertState.Acknowledged, false)]
    public void IsAcknowledgement_OnlyReportedToAcknowledged(AlertState? from, AlertState to, bool expected)
    {
        Assert.Equal(expected, AlertRules.IsAcknowledgement(from, to));
    }

    [Theory]
    [InlineData(true, 0, true)]
    [InlineData(true, -1, false)]
    [InlineData(false, 0, false)]
    public void IsLateToday_LateAndReportedSinceMidnight(bool isLate, int minutesFromMidnight, bool expected)
    {
        var midnight = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.FromHours(8));

        Assert.Equal(expected, AlertRules.IsLateToday(isLate, midnight.AddMinutes(minutesFromMidnight), midnight));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    public void CountsTowardReportsToday_FromTheCitysMidnight(int minutesFromMidnight, bool expected)
    {
        var midnight = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.FromHours(8));

        Assert.Equal(expected, AlertRules.CountsTowardReportsToday(midnight.AddMinutes(minutesFromMidnight), midnight));
    }
}
