using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Petitions;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Infrastructure.Policies;
using CommandCenter.Infrastructure.Seeding;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace CommandCenter.Infrastructure.Tests.Policies;

/// <summary>
/// Saving policy versions on a real store with the seeded v1 (a General theft, 0101 under 01 治安安全: 30 minutes to
/// acknowledge, 60 to dispatch). Store time starts at 2026-11-27 10:00 Beijing time; v1 took effect on 2026-01-01.
/// </summary>
public sealed class PolicyAdministrationTests
{
    private static readonly Operator CityAdmin = new("u-admin", "系统管理员", Role.Admin, "330188");
    private static readonly Operator TownAdmin = new("u-hubin-admin", "湖滨管理员", Role.Admin, "330188001");
    private static readonly Operator Staff = new("u-hubin-1", "陈静", Role.Staff, "330188001");

    [Fact]
    public async Task CreateAsync_NewVersion_AnAlertRaisedUnderV1KeepsV1sDeadlines()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var v1Alert = await RaiseAsync(host, "v1");

        await SaveAsync(host, FasterTheft(host));
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var acknowledged = await host.Get<AlertWorkflowService>().ApplyAsync(v1Alert.Id, AlertAction.Acknowledge, Staff, null);

        // v2 gives 45 minutes to dispatch; the v1 alert's dispatch stage still gets v1's 60.
        Assert.Equal(1, acknowledged!.PolicyVersion);
        Assert.Equal(host.Time.GetUtcNow().AddMinutes(60), acknowledged.StageDeadline);
    }

    [Fact]
    public async Task CreateAsync_NewVersion_AnAlertRaisedUnderV1EscalatesOnV1sDeadline()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await RaiseAsync(host, "v1");
        await SaveAsync(host, FasterTheft(host));

        // Past v2's 20 minutes to acknowledge but within v1's 30: nothing is overdue yet.
        host.Time.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(0, await host.Get<EscalationService>().EscalateDueAsync());
        host.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await host.Get<EscalationService>().EscalateDueAsync());
    }

    [Fact]
    public async Task CreateAsync_NewVersion_ANewAlertTakesV2sDeadlines()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await SaveAsync(host, FasterTheft(host));

        var alert = await RaiseAsync(host, "v2");

        Assert.Equal((2, (DateTimeOffset?)host.Time.GetUtcNow().AddMinutes(20)), (alert.PolicyVersion, alert.StageDeadline));
    }

    [Fact]
    public async Task CreateAsync_FutureEffectiveFrom_IsNotTakenUntilThen()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var from = host.Time.GetUtcNow().AddHours(2);
        await SaveAsync(host, FasterTheft(host) with { EffectiveFrom = from });

        var before = await RaiseAsync(host, "before");
        host.Time.Advance(TimeSpan.FromHours(2));
        var after = await RaiseAsync(host, "after", DemoCity.GridCode(0, 1, 3));

        Assert.Equal((1, 2), (before.PolicyVersion, after.PolicyVersion));
    }

    [Fact]
    public async Task CreateAsync_FutureEffectiveFrom_NewPetitionWarningsKeepV1UntilThen()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await SaveAsync(host, FasterTheft(host) with { EffectiveFrom = host.Time.GetUtcNow().AddHours(2) });

        var warning = await host.Get<PetitionService>().OpenAsync(
            new NewPetitionWarning(AlertSource.GridWorker, "pw-1", "330188001001", "市政府", "征地补偿", 30, AttentionLevel.Elevated, PetitionStage.Brewing),
            Actors.Hotline);

        Assert.Equal(1, warning.Warning.PolicyVersion);
    }

    [Fact]
    public async Task CreateAsync_NewVersion_IsStoredAsTheNextVersionWithADocumentThatReadsBack()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await SaveAsync(host, FasterTheft(host));

        await using var db = host.NewDbContext();
        var record = await db.Policies.SingleAsync(p => p.Version == 2);
        var read = SeedReader.PolicyFromDocument(record.Document);
        var categories = host.Get<ReferenceData>().Categories;
        Assert.Equal((2, "明湖市事件处置时限 2026版（修订）", host.Time.GetUtcNow()), (read.Version, read.Name, read.EffectiveFrom));
        Assert.Equal(TimeSpan.FromMinutes(20), read.DeadlinesFor("0101", Severity.General, categories).Acknowledge);
        Assert.Equal(TimeSpan.FromMinutes(3), read.DeadlinesFor("0302", Severity.Critical, categories).Acknowledge);
    }

    [Fact]
    public async Task CreateAsync_NewVersion_IsLoadedWithoutARestart()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await SaveAsync(host, FasterTheft(host));

        var reference = host.Get<ReferenceData>();
        Assert.Equal([1, 2], reference.Policies.Select(p => p.Version));
        Assert.Equal(2, reference.CurrentPolicy.Version);
    }

    [Fact]
    public async Task CreateAsync_NewVersion_WritesOneAuditEntrySayingWhatChanged()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await SaveAsync(host, FasterTheft(host));

        await using var db = host.NewDbContext();
        var entry = await db.AuditEntries.SingleAsync(e => e.Subject == AuditSubject.Policy);
        Assert.Equal(("2", AuditAction.PolicyVersionCreated, "系统管理员"), (entry.SubjectId, entry.Action, entry.Actor));
        Assert.Contains("01 治安安全 × General acknowledge 30 → 20 min", entry.Comment, StringComparison.Ordinal);
        Assert.Contains("01 治安安全 × General dispatch 60 → 45 min", entry.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_TownAdmin_IsForbiddenAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await host.Get<PolicyAdministration>().CreateAsync(FasterTheft(host), TownAdmin);

        Assert.Equal(SetupRefusal.Forbidden, result.Refusal);
        await using var db = host.NewDbContext();
        Assert.Equal(1, await db.Policies.CountAsync());
    }

    [Fact]
    public async Task CreateAsync_DraftFromAnOlderVersion_IsRefusedAsStale()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var draft = FasterTheft(host);
        await SaveAsync(host, draft);

        var result = await host.Get<PolicyAdministration>().CreateAsync(draft with { Name = "另一版" }, CityAdmin);

        Assert.Equal(SetupRefusal.Conflict, result.Refusal);
        Assert.Equal(["Problem_Policy_StaleBase"], result.Problems.Select(p => p.Key));
    }

    [Fact]
    public async Task Check_RuleRemovedLeavingAGap_NamesTheCategoryAndSeverity()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var draft = Edit(host, rows => rows.Where(r => (r.Category, r.Severity) != ("04", Severity.Major)));

        var problems = host.Get<PolicyAdministration>().Check(draft);

        // 04 and each of its six 小类 fall back to nothing for Major.
        Assert.All(problems, p => Assert.Equal(("deadlines", "Problem_Policy_Gap", Severity.Major), (p.Field, p.Key, p.Args[1])));
        Assert.Equal(7, problems.Count);
        Assert.Equal("04 市容环境", problems[0].Args[0]);
    }

    [Fact]
    public async Task Check_ZeroMinutes_NamesTheCell()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var draft = Edit(host, rows => rows.Select(r => (r.Category, r.Severity) == ("07", Severity.General) ? r with { VerifyMinutes = 0 } : r));

        var problems = host.Get<PolicyAdministration>().Check(draft);

        var problem = Assert.Single(problems);
        Assert.Equal("Problem_Policy_NotPositive", problem.Key);
        Assert.Equal(["07 民生服务", Severity.General, DeadlineStage.Verify, 0], problem.Args);
    }

    [Fact]
    public async Task Check_EffectiveFromBeforeTheNewestVersions_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await SaveAsync(host, FasterTheft(host) with { EffectiveFrom = host.Time.GetUtcNow().AddDays(10) });

        var draft = PolicyDraft.From(host.Get<ReferenceData>().CurrentPolicy) with { Name = "v3", EffectiveFrom = host.Time.GetUtcNow().AddDays(5) };
        var problems = host.Get<PolicyAdministration>().Check(draft);

        var problem = Assert.Single(problems);
        Assert.Equal(("effectiveFrom", "Problem_Policy_EffectiveBeforeCurrent"), (problem.Field, problem.Key));
        Assert.Equal(2, problem.Args[1]);
    }

    [Fact]
    public async Task Check_EffectiveFromInThePast_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var draft = FasterTheft(host) with { EffectiveFrom = host.Time.GetUtcNow().AddMinutes(-1) };

        var problems = host.Get<PolicyAdministration>().Check(draft);

        Assert.Equal(["Problem_Policy_EffectiveInPast"], problems.Select(p => p.Key));
    }

    [Fact]
    public async Task Check_GraverSeverityGivenMoreTime_IsRefusedNamingBothSeverities()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var draft = Edit(host, rows => rows.Select(r => (r.Category, r.Severity) == ("05", Severity.Critical) ? r with { AcknowledgeMinutes = 20 } : r));

        var problems = host.Get<PolicyAdministration>().Check(draft);

        var problem = Assert.Single(problems);
        Assert.Equal("Problem_Policy_Loosens", problem.Key);
        Assert.Equal(["05 公共设施", DeadlineStage.Acknowledge, Severity.Critical, 20, Severity.Serious, 15], problem.Args);
    }

    [Fact]
    public async Task Check_OverrideLooserThanTheGraverInheritedRule_IsRefusedAtTheOverride()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        // 0302 overrides Serious (5 min) and Critical (3); Major comes from 03 (15). An override of General at 10 is
        // tighter than the inherited Major: the graver severity now has more time.
        var draft = Edit(host, rows => rows.Append(new DeadlineDraft("0302", Severity.General, 10, 20, 480, 90)));

        var problems = host.Get<PolicyAdministration>().Check(draft);

        Assert.Contains(problems, p => p.Key == "Problem_Policy_Loosens" && (string)p.Args[0] == "0302 燃气隐患" && (Severity)p.Args[2] == Severity.Major);
        Assert.DoesNotContain(problems, p => (string)p.Args[0] != "0302 燃气隐患");
    }

    [Fact]
    public async Task Check_UnchangedDraft_IsRefusedAsChangingNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var problems = host.Get<PolicyAdministration>().Check(PolicyDraft.From(host.Get<ReferenceData>().CurrentPolicy));

        Assert.Equal(["Problem_Policy_NothingChanged"], problems.Select(p => p.Key));
    }

    [Fact]
    public async Task Check_UnknownCategoryAndDuplicateRow_AreEachNamed()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var draft = Edit(host, rows => rows
            .Append(new DeadlineDraft("9999", Severity.General, 10, 20, 30, 40))
            .Append(new DeadlineDraft("01", Severity.General, 10, 20, 30, 40)));

        var problems = host.Get<PolicyAdministration>().Check(draft);

        Assert.Equal(["Problem_Policy_UnknownCategory", "Problem_Policy_DuplicateRule"], problems.Select(p => p.Key));
    }

    [Fact]
    public async Task Check_MissingLateLimitAndCadence_AreEachNamed()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var seeded = PolicyDraft.From(host.Get<ReferenceData>().CurrentPolicy);
        var draft = seeded with
        {
            LateReportLimitMinutes = seeded.LateReportLimitMinutes.Where(kv => kv.Key != Severity.Critical).ToDictionary(),
            FollowUpCadenceMinutes = seeded.FollowUpCadenceMinutes.ToDictionary(kv => kv.Key, kv => kv.Key == PetitionStage.Moving ? -5 : kv.Value),
        };

        var problems = host.Get<PolicyAdministration>().Check(draft);

        Assert.Equal(
            [("lateReportLimitMinutes", "Problem_Policy_LateLimitMissing"), ("followUpCadenceMinutes", "Problem_Policy_CadenceNotPositive")],
            problems.Select(p => (p.Field, p.Key)));
    }

    [Fact]
    public async Task ReloadIfChanged_VersionSavedByAnotherServer_IsLoadedAndNewAlertsTakeIt()
    {
        using var dir = new TempDirectory();
        await using var first = await StoreHost.StartAsync(dir.Path);
        await using var second = await StoreHost.StartAsync(dir.Path, first.Time);
        var map = second.Get<ReferenceData>().Map;
        await SaveAsync(first, FasterTheft(first));

        var loaded = await second.Get<ReferenceLoader>().ReloadIfChangedAsync();

        Assert.True(loaded);
        Assert.Equal(2, (await RaiseAsync(second, "on-the-second-server")).PolicyVersion);
        Assert.Same(map, second.Get<ReferenceData>().Map); // a policy alone keeps the map, and the walls' states with it
    }

    [Fact]
    public async Task ReloadIfChanged_NothingNew_LoadsNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        Assert.False(await host.Get<ReferenceLoader>().ReloadIfChangedAsync());
    }

    [Fact]
    public async Task ReferenceWatcher_PicksUpAVersionSavedElsewhere_WithinItsInterval()
    {
        using var dir = new TempDirectory();
        await using var first = await StoreHost.StartAsync(dir.Path);
        await using var second = await StoreHost.StartAsync(dir.Path, first.Time);
        var watcher = new ReferenceWatcher(second.Get<ReferenceLoader>(), second.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<ReferenceWatcher>.Instance);
        await watcher.StartAsync(CancellationToken.None);
        try
        {
            await SaveAsync(first, FasterTheft(first));
            Assert.Equal(1, second.Get<ReferenceData>().CurrentPolicy.Version);

            // .NET 10 starts a BackgroundService's loop on the thread pool, so its first delay may begin just after
            // StartAsync returns: the clock moves one interval at a time until the watcher has looked.
            var intervals = 0;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (second.Get<ReferenceData>().CurrentPolicy.Version != 2 && DateTime.UtcNow < deadline)
            {
                second.Time.Advance(ReferenceWatcher.Interval);
                intervals++;
                for (var wait = 0; wait < 10 && second.Get<ReferenceData>().CurrentPolicy.Version != 2; wait++)
                {
                    await Task.Delay(20);
                }
            }

            Assert.Equal(2, second.Get<ReferenceData>().CurrentPolicy.Version);
            Assert.InRange(intervals, 1, 2); // the first interval, or the next if the loop had not begun its wait
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The seeded policy with 01 × General at 20 minutes to acknowledge and 45 to dispatch.</summary>
    private static PolicyDraft FasterTheft(StoreHost host)
    {
        var draft = Edit(host, rows => rows.Select(r => (r.Category, r.Severity) == ("01", Severity.General) ? r with { AcknowledgeMinutes = 20, DispatchMinutes = 45 } : r));
        return draft with { Name = "明湖市事件处置时限 2026版（修订）" };
    }

    private static PolicyDraft Edit(StoreHost host, Func<IEnumerable<DeadlineDraft>, IEnumerable<DeadlineDraft>> change)
    {
        var draft = PolicyDraft.From(host.Get<ReferenceData>().CurrentPolicy);
        return draft with { Deadlines = [.. change(draft.Deadlines)] };
    }

    private static async Task SaveAsync(StoreHost host, PolicyDraft draft)
    {
        var result = await host.Get<PolicyAdministration>().CreateAsync(draft, CityAdmin);
        Assert.True(result.Done, string.Join("; ", result.Problems.Select(p => p.Key)));
    }

    private static async Task<Alert> RaiseAsync(StoreHost host, string externalId, string? grid = null) =>
        (await host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(grid ?? DemoCity.GridCode(0, 1, 2), externalId), Actors.Hotline)).Alert;
}
