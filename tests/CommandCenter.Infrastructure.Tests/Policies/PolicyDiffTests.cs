using CommandCenter.Core.Alerts;
using CommandCenter.Core.Petitions;
using CommandCenter.Infrastructure.Policies;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Policies;

/// <summary>What a draft changes against the seeded policy (01 × General: 30 / 60 / 1440 / 240; 0302 overrides Serious and Critical).</summary>
public sealed class PolicyDiffTests
{
    private static readonly PolicyDraft Seeded = PolicyDraft.From(DemoCity.Load().Policy);

    [Fact]
    public void Between_UnchangedDraft_IsEmpty()
    {
        var diff = PolicyDiff.Between(DemoCity.Load().Policy, Seeded);

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Between_ChangedCells_ListsEachOldToNew()
    {
        var draft = Seeded with
        {
            Deadlines = [.. Seeded.Deadlines.Select(d => (d.Category, d.Severity) == ("01", Severity.General) ? d with { AcknowledgeMinutes = 20, VerifyMinutes = 200 } : d)],
        };

        var diff = PolicyDiff.Between(DemoCity.Load().Policy, draft);

        Assert.Equal(
            [new DeadlineCellChange("01", Severity.General, DeadlineStage.Acknowledge, 30, 20), new DeadlineCellChange("01", Severity.General, DeadlineStage.Verify, 240, 200)],
            diff.Cells);
        Assert.Empty(diff.Added);
        Assert.Empty(diff.Removed);
    }

    [Fact]
    public void Between_OverrideAddedAndRemoved_AreListedApart()
    {
        var added = new DeadlineDraft("0101", Severity.Major, 10, 20, 600, 100);
        var draft = Seeded with
        {
            Deadlines = [.. Seeded.Deadlines.Where(d => (d.Category, d.Severity) != ("0302", Severity.Serious)).Append(added)],
        };

        var diff = PolicyDiff.Between(DemoCity.Load().Policy, draft);

        Assert.Equal([added], diff.Added);
        Assert.Equal([new DeadlineDraft("0302", Severity.Serious, 5, 10, 240, 60)], diff.Removed);
        Assert.Empty(diff.Cells);
    }

    [Fact]
    public void Between_LateLimitAndCadence_AreListedOldToNew()
    {
        var draft = Seeded with
        {
            LateReportLimitMinutes = Seeded.LateReportLimitMinutes.ToDictionary(kv => kv.Key, kv => kv.Key == Severity.Critical ? 10 : kv.Value),
            FollowUpCadenceMinutes = Seeded.FollowUpCadenceMinutes.ToDictionary(kv => kv.Key, kv => kv.Key == PetitionStage.Gathering ? 20 : kv.Value),
        };

        var diff = PolicyDiff.Between(DemoCity.Load().Policy, draft);

        Assert.Equal([new LimitChange<Severity>(Severity.Critical, 15, 10)], diff.LateReportLimits);
        Assert.Equal([new LimitChange<PetitionStage>(PetitionStage.Gathering, 30, 20)], diff.FollowUpCadence);
    }

    [Fact]
    public void Describe_NamesCategoriesAndMinutesInWords()
    {
        var draft = Seeded with
        {
            Name = "新版",
            Deadlines = [.. Seeded.Deadlines.Select(d => (d.Category, d.Severity) == ("01", Severity.General) ? d with { AcknowledgeMinutes = 20 } : d)],
        };

        var words = PolicyDiff.Between(DemoCity.Load().Policy, draft).Describe(DemoCity.Categories());

        Assert.Equal("name 明湖市事件处置时限 2026版 → 新版; 01 治安安全 × General acknowledge 30 → 20 min", words);
    }
}
