using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Policies;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Alerts;

/// <summary>
/// <see cref="Alert.EscalateIfOverdue"/>: one rung per missed stage deadline, each exactly once, never above the
/// top of the ladder; a new stage clears the overdue flag but not the rungs climbed.
/// </summary>
public class AlertEscalationTests
{
    private const int TopRung = 3;

    private static readonly DateTimeOffset _reportedAt = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    private static readonly NodePath _path = new("330188", "330188003", "330188003002", DemoCity.GridCode(2, 1, 3));

    private static readonly StageDeadlines _deadlines =
        new(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), TimeSpan.FromHours(24), TimeSpan.FromHours(4));

    private static readonly DateTimeOffset _acknowledgeDeadline = _reportedAt + _deadlines.Acknowledge;

    private static readonly Operator _li = new("u-li", "李明", Role.Staff, "330188003");
    private static readonly Operator _zhang = new("u-zhang", "张伟", Role.Staff, "330188003");

    [Fact]
    public void EscalateIfOverdue_AfterUnacknowledgeRestoresAnEscalatedDeadline_DoesNotClimbAgain()
    {
        var alert = Raise();
        alert.EscalateIfOverdue(_reportedAt.AddMinutes(31), TopRung);                 // ack deadline missed: rung 1
        alert.Apply(AlertAction.Acknowledge, _li, null, _deadlines, _reportedAt.AddMinutes(32));
        alert.EscalateIfOverdue(_reportedAt.AddMinutes(93), TopRung);                 // dispatch deadline missed: rung 2
        alert.Apply(AlertAction.Unacknowledge, _li, null, _deadlines, _reportedAt.AddMinutes(94));

        var escalated = alert.EscalateIfOverdue(_reportedAt.AddMinutes(95), TopRung); // the old ack deadline is back

        Assert.False(escalated);
        Assert.Equal(2, alert.EscalationLevel);
        Assert.True(alert.IsOverdue);
    }

    [Fact]
    public void EscalateIfOverdue_BeforeTheDeadline_IsFalseAndChangesNothing()
    {
        var alert = Raise();

        var escalated = alert.EscalateIfOverdue(_acknowledgeDeadline - TimeSpan.FromMilliseconds(1), TopRung);

        Assert.False(escalated);
        Assert.Equal((0, false, 1L), (alert.EscalationLevel, alert.IsOverdue, alert.Version));
    }

    [Fact]
    public void EscalateIfOverdue_ExactlyAtTheDeadline_Escalates()
    {
        var alert = Raise();

        var escalated = alert.EscalateIfOverdue(_acknowledgeDeadline, TopRung);

        Assert.True(escalated);
        Assert.Equal(1, alert.EscalationLevel);
    }

    [Fact]
    public void EscalateIfOverdue_AfterTheDeadline_FlagsOverdueAndClimbsOneRung()
    {
        var alert = Raise();
        var now = _acknowledgeDeadline.AddMinutes(1);

        var escalated = alert.EscalateIfOverdue(now, TopRung);

        Assert.True(escalated);
        Assert.Equal((1, true), (alert.EscalationLevel, alert.IsOverdue));
        Assert.Equal((2L, now), (alert.Version, alert.UpdatedAt));
    }

    [Fact]
    public void EscalateIfOverdue_AfterTheDeadline_RemembersTheDeadlineItEscalatedFor()
    {
        var alert = Raise();

        alert.EscalateIfOverdue(_acknowledgeDeadline.AddMinutes(1), TopRung);

        Assert.Equal(_acknowledgeDeadline, alert.EscalatedDeadline);
    }

    [Fact]
    public void EscalateIfOverdue_SecondCallForTheSameDeadline_IsFalseAndChangesNothing()
    {
        var alert = Raise();
        alert.EscalateIfOverdue(_acknowledgeDeadline.AddMinutes(1), TopRung);
        var version = alert.Version;

        var again = alert.EscalateIfOverdue(_acknowledgeDeadline.AddHours(5), TopRung);

        Assert.False(again);
        Assert.Equal((1, version), (alert.EscalationLevel, alert.Version));
    }

    [Fact]
    public void EscalateIfOverdue_NextStageDeadlineMissedToo_ClimbsAgain()
    {
        var alert = Raise();
        alert.EscalateIfOverdue(_acknowledgeDeadline.AddMinutes(1), TopRung);
        var acknowledgedAt = _acknowledgeDeadline.AddMinutes(2);
        alert.Apply(AlertAction.Acknowledge, _li, null, _deadlines, acknowledgedAt);

        var escalated = alert.EscalateIfOverdue(acknowledgedAt + _deadlines.Dispatch + TimeSpan.FromMinutes(1), TopRung);

        Assert.True(escalated);
        Assert.Equal((2, acknowledgedAt + _deadlines.Dispatch), (alert.EscalationLevel, alert.EscalatedDeadline));
    }

    [Fact]
    public void EscalateIfOverdue_EveryStageMissed_NeverClimbsAboveTheTopRung()
    {
        var alert = Raise();
        var levels = new List<int>();

        // Four missed deadlines (acknowledge, dispatch, handle, verify) on a ladder of three rungs.
        var late = MissTheStageDeadline(alert, levels);
        alert.Apply(AlertAction.Acknowledge, _li, null, _deadlines, late);
        late = MissTheStageDeadline(alert, levels);
        alert.Apply(AlertAction.Dispatch, _li, null, _deadlines, late);
        late = MissTheStageDeadline(alert, levels);
        alert.Apply(AlertAction.StartHandling, _li, null, _deadlines, late);
        alert.Apply(AlertAction.Resolve, _li, "杂物已清理", _deadlines, late);
        MissTheStageDeadline(alert, levels);

        Assert.Equal([1, 2, 3, 3], levels);
    }

    [Fact]
    public void EscalateIfOverdue_NewStageStarted_IsNoLongerOverdueButKeepsItsRung()
    {
        var alert = Raise();
        alert.EscalateIfOverdue(_acknowledgeDeadline.AddMinutes(1), TopRung);

        alert.Apply(AlertAction.Acknowledge, _li, null, _deadlines, _acknowledgeDeadline.AddMinutes(2));

        Assert.Equal((false, 1), (alert.IsOverdue, alert.EscalationLevel));
    }

    [Fact]
    public void EscalateIfOverdue_UnacknowledgedBackToAnEscalatedDeadline_DoesNotClimbTwiceForIt()
    {
        var alert = Raise();
        alert.EscalateIfOverdue(_acknowledgeDeadline.AddMinutes(1), TopRung);
        alert.Apply(AlertAction.Acknowledge, _li, null, _deadlines, _acknowledgeDeadline.AddMinutes(2));
        alert.Apply(AlertAction.Unacknowledge, _li, null, _deadlines, _acknowledgeDeadline.AddMinutes(3));

        var escalated = alert.EscalateIfOverdue(_acknowledgeDeadline.AddMinutes(4), TopRung);

        Assert.False(escalated);
        Assert.Equal((1, true), (alert.EscalationLevel, alert.IsOverdue));
    }

    [Fact]
    public void EscalateIfOverdue_ClosedAlert_IsFalse()
    {
        var alert = Raise();
        alert.Apply(AlertAction.Acknowledge, _li, null, _deadlines, _reportedAt.AddMinutes(1));
        alert.Apply(AlertAction.StartHandling, _li, null, _deadlines, _reportedAt.AddMinutes(2));
        alert.Apply(AlertAction.Resolve, _li, "杂物已清理", _deadlines, _reportedAt.AddMinutes(3));
        alert.Apply(AlertAction.Verify, _zhang, null, _deadlines, _reportedAt.AddMinutes(4));

        var escalated = alert.EscalateIfOverdue(_reportedAt.AddDays(30), TopRung);

        Assert.False(escalated);
        Assert.Equal(0, alert.EscalationLevel);
    }

    /// <summary>Runs the escalation a minute after the current stage's deadline; notes the rung and returns that minute.</summary>
    private static DateTimeOffset MissTheStageDeadline(Alert alert, List<int> levels)
    {
        var late = alert.StageDeadline!.Value.AddMinutes(1);
        alert.EscalateIfOverdue(late, TopRung);
        levels.Add(alert.EscalationLevel);
        return late;
    }

    private static Alert Raise() => Alert.Raise(
        new NewAlertReport(AlertSource.GridWorker, "EXT-1", "0401", Severity.General, _path.GridCode, null, _reportedAt.AddMinutes(-10), "楼道堆放杂物"),
        _path,
        policyVersion: 1,
        isLateReport: false,
        _deadlines,
        Guid.NewGuid(),
        _reportedAt);
}
