using CommandCenter.Core.Alerts;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Petitions;

/// <summary>
/// The red flag of a missed follow-up cadence (seeded cadence: Brewing every 240 min, Gathering every 30): set once per
/// missed cadence, dated when the cadence ran out, cleared by the next follow-up.
/// </summary>
public class PetitionWarningCadenceTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private static readonly NodePath _gridPath = new("330188", "330188004", "330188004003", DemoCity.GridCode(3, 2, 6));
    private static readonly IReadOnlyDictionary<PetitionStage, TimeSpan> _cadence = DemoCity.Load().Policy.FollowUpCadence;

    [Fact]
    public void FlagFollowUpOverdue_WithinTheCadence_DoesNothing()
    {
        var warning = Open();

        var flagged = warning.FlagFollowUpOverdue(_cadence, _now + _cadence[PetitionStage.Brewing]);

        Assert.False(flagged);
        Assert.Null(warning.FollowUpOverdueSince);
    }

    [Fact]
    public void FlagFollowUpOverdue_PastTheCadence_FlagsSinceTheCadenceRanOut()
    {
        var warning = Open();

        var flagged = warning.FlagFollowUpOverdue(_cadence, _now.AddHours(9));

        Assert.True(flagged);
        Assert.Equal(_now + _cadence[PetitionStage.Brewing], warning.FollowUpOverdueSince);
    }

    [Fact]
    public void FlagFollowUpOverdue_PastTheCadence_BumpsTheVersion()
    {
        var warning = Open();

        warning.FlagFollowUpOverdue(_cadence, _now.AddHours(5));

        Assert.Equal(2, warning.Version);
    }

    [Fact]
    public void FlagFollowUpOverdue_AlreadyFlagged_DoesNothing()
    {
        var warning = Open();
        warning.FlagFollowUpOverdue(_cadence, _now.AddHours(5));

        var again = warning.FlagFollowUpOverdue(_cadence, _now.AddHours(10));

        Assert.False(again);
        Assert.Equal((_now + _cadence[PetitionStage.Brewing], 2L), (warning.FollowUpOverdueSince, warning.Version));
    }

    [Fact]
    public void FlagFollowUpOverdue_DefusedWarning_DoesNothing()
    {
        var warning = Open();
        warning.AddFollowUp(new NewFollowUp("已化解", PetitionStage.Defused), _now);

        Assert.False(warning.FlagFollowUpOverdue(_cadence, _now.AddDays(3)));
    }

    [Fact]
    public void AddFollowUp_AfterTheFlag_ClearsIt()
    {
        var warning = Open();
        warning.FlagFollowUpOverdue(_cadence, _now.AddHours(5));

        warning.AddFollowUp(new NewFollowUp("人员已开始聚集", PetitionStage.Gathering), _now.AddHours(5));

        Assert.Null(warning.FollowUpOverdueSince);
    }

    [Fact]
    public void FlagFollowUpOverdue_NextCadenceMissedAfterAFollowUp_FlagsAgainFromTheNewStagesCadence()
    {
        var warning = Open();
        warning.FlagFollowUpOverdue(_cadence, _now.AddHours(5));
        var followUpAt = _now.AddHours(5);
        warning.AddFollowUp(new NewFollowUp("人员已开始聚集", PetitionStage.Gathering), followUpAt);

        var flagged = warning.FlagFollowUpOverdue(_cadence, followUpAt.AddHours(1));

        Assert.True(flagged);
        Assert.Equal(followUpAt + _cadence[PetitionStage.Gathering], warning.FollowUpOverdueSince);
    }

    [Fact]
    public void PetitionWarningChanged_From_CarriesTheRedFlag()
    {
        var warning = Open();
        var before = PetitionWarningChanged.From(warning, "330188", null, _now);
        warning.FlagFollowUpOverdue(_cadence, _now.AddHours(5));

        var after = PetitionWarningChanged.From(warning, "330188", warning.Stage, _now.AddHours(5));

        Assert.Equal((false, true), (before.FollowUpOverdue, after.FollowUpOverdue));
    }

    private static PetitionWarning Open()
    {
        var report = new NewPetitionWarning(AlertSource.GridWorker, "PW-1", _gridPath.GridCode!, "市政府", "工资拖欠", 30, AttentionLevel.Elevated, PetitionStage.Brewing);
        return PetitionWarning.Open(report, _gridPath, policyVersion: 1, Guid.NewGuid(), _now);
    }
}
