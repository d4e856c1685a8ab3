using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Policies;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Alerts;

/// <summary>漏报: an event the public or the hotline found first and the grid's worker never reported.</summary>
public class AlertMissedReportTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private static readonly string _grid = DemoCity.GridCode(2, 1, 3);
    private static readonly NodePath _path = new("330188", "330188003", "330188003002", _grid);
    private static readonly StageDeadlines _deadlines = new(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), TimeSpan.FromHours(24), TimeSpan.FromHours(4));

    [Theory]
    [InlineData(AlertSource.Public, true)]
    [InlineData(AlertSource.Hotline, true)]
    [InlineData(AlertSource.GridWorker, false)]
    [InlineData(AlertSource.Video, false)]
    [InlineData(AlertSource.Sensor, false)]
    public void Raise_BySource_MissedOnlyWhenThePublicOrTheHotlineFoundIt(AlertSource source, bool missed)
    {
        var alert = Raise(source);

        Assert.Equal(missed, alert.IsMissedReport);
    }

    [Fact]
    public void Raise_ByTheGridWorker_StampsWhenTheWorkerReported()
    {
        Assert.Equal(_now, Raise(AlertSource.GridWorker).WorkerReportedAt);
        Assert.Null(Raise(AlertSource.Hotline).WorkerReportedAt);
    }

    [Fact]
    public void MergeRepeat_TheWorkerReportsWhatTheHotlineFoundFirst_IsNoLongerMissed()
    {
        var alert = Raise(AlertSource.Hotline);

        alert.MergeRepeat(Report(AlertSource.GridWorker), _now.AddMinutes(5));

        Assert.Equal(_now.AddMinutes(5), alert.WorkerReportedAt);
        Assert.False(alert.IsMissedReport);
    }

    [Fact]
    public void MergeRepeat_MoreReportsFromThePublic_StaysMissed()
    {
        var alert = Raise(AlertSource.Public);

        alert.MergeRepeat(Report(AlertSource.Hotline), _now.AddMinutes(5));

        Assert.True(alert.IsMissedReport);
    }

    [Fact]
    public void MergeRepeat_WorkerReportsAgain_KeepsTheFirstTime()
    {
        var alert = Raise(AlertSource.GridWorker);

        alert.MergeRepeat(Report(AlertSource.GridWorker), _now.AddMinutes(5));

        Assert.Equal(_now, alert.WorkerReportedAt);
    }

    private static NewAlertReport Report(AlertSource source) =>
        new(source, $"ext-{source}", "0401", Severity.General, _grid, null, _now.AddMinutes(-10), "占道经营");

    private static Alert Raise(AlertSource source) => Alert.Raise(Report(source), _path, 1, false, _deadlines, Guid.NewGuid(), _now);
}
