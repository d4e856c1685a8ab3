using System.Text.Json.Nodes;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Policies;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Policies;
using CommandCenter.Infrastructure.Seeding;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>
/// The policy's notifications section: a version stored before it existed reads with the defaults, a field left out
/// takes its default, and a new version made by the administration carries its base's section over unless it edits it.
/// </summary>
public sealed class NotificationPolicySectionTests
{
    [Fact]
    public void PolicyFromDocument_WithoutTheSection_TakesTheDefaults()
    {
        var document = JsonNode.Parse(DemoCity.Load().PolicyDocument)!.AsObject();
        Assert.True(document.Remove("notifications"));

        var policy = SeedReader.PolicyFromDocument(document.ToJsonString());

        Assert.Equal(NotificationPolicy.Default, policy.Notifications);
    }

    [Fact]
    public void PolicyFromDocument_SectionNamingSomeFields_TakesTheDefaultsForTheRest()
    {
        var document = JsonNode.Parse(DemoCity.Load().PolicyDocument)!.AsObject();
        document["notifications"] = new JsonObject { ["minimumSeverity"] = "Critical", ["remindAfterMinutes"] = 5 };

        var policy = SeedReader.PolicyFromDocument(document.ToJsonString());

        Assert.Equal(NotificationPolicy.Default with { MinimumSeverity = Severity.Critical, RemindAfter = TimeSpan.FromMinutes(5) }, policy.Notifications);
    }

    [Fact]
    public void DocumentOf_ReadsBackTheSameSection()
    {
        var v1 = DemoCity.Load().Policy;
        var edited = new NotificationPolicy(false, Severity.Major, true, false, true, false, TimeSpan.FromMinutes(45), true, TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(20));
        var policy = new EscalationPolicy(2, "v2", v1.EffectiveFrom, v1.Ladder, v1.LateReportLimits, v1.Rules, v1.FollowUpCadence, edited);

        Assert.Equal(edited, SeedReader.PolicyFromDocument(SeedReader.DocumentOf(policy)).Notifications);
    }

    [Fact]
    public async Task CreateAsync_DraftLeavingTheSectionOut_CarriesTheBasesSectionOverUnchanged()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var edited = NotificationPolicy.Default with { SilentGridAfter = TimeSpan.FromMinutes(30), NextRungAfter = TimeSpan.FromMinutes(25) };
        await NotificationRulesTests.NewPolicyAsync(host, edited);
        var reference = host.Get<ReferenceData>();
        var draft = PolicyDraft.From(reference.CurrentPolicy) with { Name = "只改名称", Notifications = null };

        var saved = await host.Get<PolicyAdministration>().CreateAsync(draft, Admin(reference));

        Assert.True(saved.Done);
        Assert.Equal((3, edited), (saved.Value!.Policy.Version, saved.Value.Policy.Notifications));
        await using var db = host.NewDbContext();
        var stored = await db.Policies.SingleAsync(p => p.Version == 3);
        Assert.Equal(edited, SeedReader.PolicyFromDocument(stored.Document).Notifications);
    }

    [Fact]
    public async Task CreateAsync_UnusableSection_IsRefusedNamingEveryBadField()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var reference = host.Get<ReferenceData>();
        var draft = PolicyDraft.From(reference.CurrentPolicy) with
        {
            // A year and a minute would push the reminder scan's look-back before the calendar's start.
            Notifications = NotificationPolicy.Default with
            {
                SilentGridAfter = TimeSpan.FromMinutes(-5), RemindAfter = TimeSpan.Zero, NextRungAfter = TimeSpan.FromDays(365) + TimeSpan.FromMinutes(1),
            },
        };

        var saved = await host.Get<PolicyAdministration>().CreateAsync(draft, Admin(reference));

        Assert.Equal(SetupRefusal.Invalid, saved.Refusal);
        Assert.Equal(
            [
                ("notifications.silentGridAfterMinutes", "Problem_Policy_SilentGridAfter", -5),
                ("notifications.remindAfterMinutes", "Problem_Policy_RemindAfter", 0),
                ("notifications.nextRungAfterMinutes", "Problem_Policy_NextRungAfter", 525_601),
            ],
            saved.Problems.Where(p => p.Field.StartsWith("notifications", StringComparison.Ordinal)).Select(p => (p.Field, p.Key, (int)p.Args[0])));
        Assert.Equal(1, host.Get<ReferenceData>().CurrentPolicy.Version);
    }

    private static Operator Admin(ReferenceData reference) => new("u-admin", "管理员", Role.Admin, reference.Map.City.Code);
}
