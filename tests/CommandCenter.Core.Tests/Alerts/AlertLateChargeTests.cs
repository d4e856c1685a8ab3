using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Policies;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Alerts;

/// <summary>Charging a late report (迟报) to the grid's responsible person: once, and only when it is late.</summary>
public class AlertLateChargeTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private static readonly string _grid = DemoCity.GridCode(2, 1, 3);
    private static readonly NodePath _path = new("330188", "330188003", "330188003002", _grid);
    private static readonly StageDeadlines _deadlines = new(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), TimeSpan.FromHours(24), TimeSpan.FromHours(4));

    [Fact]
    public void ChargeLateReport_LateAlert_RecordsWhenAndToWhom()
    {
        var alert = Raise(isLateReport: true);

        var charged = alert.ChargeLateReport("张网格", _now.AddSeconds(10));

        Assert.True(charged);
        Assert.Equal((_now.AddSeconds(10), "张网格"), (alert.LateChargedAt, alert.LateChargedTo));
    }

    [Fact]
    public void ChargeLateReport_OnTimeAlert_DoesNothing()
    {
        var alert = Raise(isLateReport: false);

        Assert.False(alert.ChargeLateReport("张网格", _now));
        Assert.Null(alert.LateChargedAt);
    }

    [Fact]
    public void ChargeLateReport_AlreadyCharged_DoesNothing()
    {
        var alert = Raise(isLateReport: true);
        alert.ChargeLateReport("张网格", _now);

        var again = alert.ChargeLateReport("李网格", _now.AddMinutes(1));

        Assert.False(again);
        Assert.Equal((_now, "张网格"), (alert.LateChargedAt, alert.LateChargedTo));
    }

    [Fact]
    public void ChargeLateReport_LateAlert_LeavesTheVersionAlone()
    {
        var alert = Raise(isLateReport: true);

        alert.ChargeLateReport("张网格", _now);

        Assert.Equal(1, alert.Version);
    }

    private static Alert Raise(bool isLateReport)
    {
        var report = new NewAlertReport(AlertSource.GridWorker, "ext-1", "0401", Severity.General, _grid, null, _now.AddHours(-3), "占道经营");
        return Alert.Raise(report, _path, 1, isLateReport, _deadlines, Guid.NewGuid(), _now);
    }
}
