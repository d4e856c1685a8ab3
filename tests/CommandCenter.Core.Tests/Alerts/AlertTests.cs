using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Alerts;

public class AlertTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan _window = TimeSpan.FromMinutes(30);
    private static readonly string _grid = DemoCity.GridCode(2, 1, 3);
    private static readonly NodePath _path = new("330188", "330188003", "330188003002", _grid);
    private const string Category = "0401";

    [Fact]
    public void Raise_NewAlert_StartsReportedAtVersionOneWithNoRepeats()
    {
        var alert = Raise();

        Assert.Equal(AlertState.Reported, alert.State);
        Assert.Equal(0, alert.RepeatCount);
        Assert.Equal(1, alert.Version);
        Assert.True(alert.IsOpen);
    }

    [Fact]
    public void Raise_NewAlert_KeepsPolicyVersionAndLateFlag()
    {
        var alert = Raise(policyVersion: 7, isLateReport: true);

        Assert.Equal(7, alert.PolicyVersion);
        Assert.True(alert.IsLateReport);
    }

    [Fact]
    public void Raise_NewAlert_IsPlacedOnItsPath()
    {
        var alert = Raise();

        Assert.Equal(_path, alert.Path("330188"));
    }

    [Fact]
    public void Raise_NewAlert_StampsReportTimes()
    {
        var alert = Raise();

        Assert.Equal(_now, alert.ReportedAt);
        Assert.Equal(_now, alert.LastReportedAt);
        Assert.Equal(_now, alert.UpdatedAt);
    }

    [Fact]
    public void Raise_PathWithoutGrid_Throws()
    {
        var communityOnly = _path with { GridCode = null };

        Assert.Throws<DomainRuleException>(
            () => Alert.Raise(Report(), communityOnly, policyVersion: 1, isLateReport: false, Deadlines, Guid.NewGuid(), _now));
    }

    [Fact]
    public void Absorbs_SameGridAndCategoryWithinWindow_IsTrue()
    {
        var alert = Raise();

        Assert.True(alert.Absorbs(_grid, Category, _now.AddMinutes(10), _window));
    }

    [Fact]
    public void Absorbs_ExactlyAtWindowEnd_IsTrue()
    {
        var alert = Raise();

        Assert.True(alert.Absorbs(_grid, Category, _now + _window, _window));
    }

    [Fact]
    public void Absorbs_OneMillisecondPastWindow_IsFalse()
    {
        var alert = Raise();

        Assert.False(alert.Absorbs(_grid, Category, _now + _window + TimeSpan.FromMilliseconds(1), _window));
    }

    [Fact]
    public void Absorbs_WindowRunsFromLatestRepeat()
    {
        var alert = Raise();
        alert.MergeRepeat(Report(), _now.AddMinutes(20));

        Assert.True(alert.Absorbs(_grid, Category, _now.AddMinutes(45), _window));
    }

    [Fact]
    public void Absorbs_OtherGrid_IsFalse()
    {
        var alert = Raise();

        Assert.False(alert.Absorbs(DemoCity.GridCode(2, 1, 4), Category, _now.AddMinutes(1), _window));
    }

    [Fact]
    public void Absorbs_OtherCategory_IsFalse()
    {
        var alert = Raise();

        Assert.False(alert.Absorbs(_grid, "0402", _now.AddMinutes(1), _window));
    }

    [Fact]
    public void Absorbs_VoidedAlert_IsFalse()
    {
        var alert = Raise();
        alert.WalkTo(AlertState.Voided, _now, Deadlines);

        Assert.False(alert.Absorbs(_grid, Category, _now.AddMinutes(1), _window));
    }

    [Fact]
    public void Absorbs_ClosedAlert_IsFalse()
    {
        var alert = Closed();

        Assert.False(alert.Absorbs(_grid, Category, _now.AddMinutes(1), _window));
    }

    [Fact]
    public void MergeRepeat_OpenAlert_CountsTheRepeat()
    {
        var alert = Raise();

        alert.MergeRepeat(Report(), _now.AddMinutes(5));
        alert.MergeRepeat(Report(), _now.AddMinutes(6));

        Assert.Equal(2, alert.RepeatCount);
    }

    [Fact]
    public void MergeRepeat_OpenAlert_MovesLastReportedAtButNotReportedAt()
    {
        var alert = Raise();

        alert.MergeRepeat(Report(), _now.AddMinutes(5));

        Assert.Equal(_now.AddMinutes(5), alert.LastReportedAt);
        Assert.Equal(_now, alert.ReportedAt);
    }

    [Fact]
    public void MergeRepeat_OpenAlert_BumpsVersionAndUpdatedAt()
    {
        var alert = Raise();

        alert.MergeRepeat(Report(), _now.AddMinutes(5));

        Assert.Equal(2, alert.Version);
        Assert.Equal(_now.AddMinutes(5), alert.UpdatedAt);
    }

    [Fact]
    public void MergeRepeat_GraverRepeat_RaisesSeverity()
    {
        var alert = Raise(Severity.General);

        alert.MergeRepeat(Report(Severity.Critical), _now.AddMinutes(5));

        Assert.Equal(Severity.Critical, alert.Severity);
    }

    [Fact]
    public void MergeRepeat_MilderRepeat_KeepsGraverSeverity()
    {
        var alert = Raise(Severity.Critical);

        alert.MergeRepeat(Report(Severity.General), _now.AddMinutes(5));

        Assert.Equal(Severity.Critical, alert.Severity);
    }

    [Fact]
    public void MergeRepeat_RepeatWithOtherTitle_KeepsFirstReportsDetails()
    {
        var alert = Raise();

        alert.MergeRepeat(Report() with { Title = "另一条标题", ExternalId = "EXT-2" }, _now.AddMinutes(5));

        Assert.Equal("楼道堆放杂物", alert.Title);
        Assert.Equal("EXT-1", alert.ExternalId);
    }

    [Fact]
    public void MergeRepeat_ClosedAlert_Throws()
    {
        var alert = Closed();

        var ex = Assert.Throws<DomainRuleException>(() => alert.MergeRepeat(Report(), _now.AddMinutes(5)));

        Assert.Contains("Closed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeRepeat_VoidedAlert_LeavesCountUnchanged()
    {
        var alert = Raise();
        alert.WalkTo(AlertState.Voided, _now, Deadlines);

        Assert.Throws<DomainRuleException>(() => alert.MergeRepeat(Report(), _now.AddMinutes(5)));
        Assert.Equal(0, alert.RepeatCount);
    }

    private static NewAlertReport Report(Severity severity = Severity.General) => new(
        AlertSource.GridWorker,
        "EXT-1",
        Category,
        severity,
        _grid,
        Location: null,
        OccurredAt: _now.AddMinutes(-10),
        Title: "楼道堆放杂物");

    private static Alert Raise(Severity severity = Severity.General, int policyVersion = 1, bool isLateReport = false) =>
        Alert.Raise(Report(severity), _path, policyVersion, isLateReport, Deadlines, Guid.NewGuid(), _now);

    private static readonly CommandCenter.Core.Policies.StageDeadlines Deadlines =
        new(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), TimeSpan.FromHours(24), TimeSpan.FromHours(4));

    private static Alert Closed() => Raise().WalkTo(AlertState.Closed, _now, Deadlines);
}
