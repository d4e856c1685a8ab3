using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Notifications;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>
/// <see cref="AcknowledgementByLink"/> on a real store: a link acknowledges its alert once, through the workflow, as
/// its recipient; a used, expired, altered or out-of-jurisdiction link changes nothing and says why.
/// </summary>
public sealed class AcknowledgementByLinkTests
{
    private static readonly string Hubin = DemoCity.TownCode(0);
    private static readonly string Wangjiang = DemoCity.TownCode(1);
    private static readonly string GridCode = DemoCity.GridCode(0, 2, 3);
    private static readonly NotificationRecipient Zhang = new("张伟", "13800000001", null, IsLeader: false);
    private static readonly Dictionary<string, string?> Settings = new() { ["Notifications:PublicBaseUrl"] = "https://cc.example.gov.cn/" };

    [Fact]
    public async Task AcknowledgeAsync_ReadyLink_AcknowledgesAsTheRecipientOnce()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: Settings);
        var alert = await RaiseAsync(host);
        var token = await IssueAsync(host, alert, Hubin);
        var byLink = host.Get<AcknowledgementByLink>();

        var first = await byLink.AcknowledgeAsync(token);
        var again = await byLink.AcknowledgeAsync(token);

        Assert.True(first.Acknowledged);
        Assert.Equal(AlertState.Acknowledged, first.View.Alert!.State);
        Assert.Equal((AckRefusal.Link, AckLinkStatus.Used), (again.Refusal, again.View.Status));
        await using var db = host.NewDbContext();
        var stored = await db.Alerts.SingleAsync(a => a.Id == alert);
        Assert.Equal(("张伟", 2L), (stored.HandlerName, stored.Version));
        var entry = await db.AuditEntries.SingleAsync(e => e.SubjectId == alert.ToString() && e.Action == AuditAction.Acknowledge);
        Assert.Equal(("张伟", AcknowledgementByLink.Comment), (entry.Actor, entry.Comment));
        Assert.Equal(StoreHost.Start, (await db.AcknowledgementTokens.SingleAsync()).UsedAt);
    }

    [Fact]
    public async Task AcknowledgeAsync_ExpiredLink_IsRefusedAndTheAlertWaits()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: Settings);
        var alert = await RaiseAsync(host);
        var token = await IssueAsync(host, alert, Hubin);
        host.Time.Advance(TimeSpan.FromHours(2));

        var outcome = await host.Get<AcknowledgementByLink>().AcknowledgeAsync(token);

        Assert.Equal((AckRefusal.Link, AckLinkStatus.Expired), (outcome.Refusal, outcome.View.Status));
        Assert.Equal(AlertState.Reported, await StateAsync(host, alert));
    }

    [Fact]
    public async Task OpenAsync_AlteredOrForeignToken_IsInvalid()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: Settings);
        var alert = await RaiseAsync(host);
        var token = await IssueAsync(host, alert, Hubin);
        var byLink = host.Get<AcknowledgementByLink>();

        Assert.Equal(AckLinkStatus.Ready, (await byLink.OpenAsync(token)).Status);
        Assert.Equal(AckLinkStatus.Invalid, (await byLink.OpenAsync(token[..^3] + "xyz")).Status);
        Assert.Equal(AckLinkStatus.Invalid, (await byLink.AcknowledgeAsync("CfDJ8-made-up")).View.Status);
        Assert.Equal(AlertState.Reported, await StateAsync(host, alert));
    }

    [Fact]
    public async Task AcknowledgeAsync_OutsideTheRecipientsNode_IsDeniedAndTheLinkStaysUnused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: Settings);
        var alert = await RaiseAsync(host);
        var token = await IssueAsync(host, alert, Wangjiang);

        var outcome = await host.Get<AcknowledgementByLink>().AcknowledgeAsync(token);

        Assert.Equal(AckRefusal.Denied, outcome.Refusal);
        Assert.Equal(AckLinkStatus.Ready, outcome.View.Status);
        Assert.Equal(AlertState.Reported, await StateAsync(host, alert));
    }

    [Fact]
    public async Task AcknowledgeAsync_AlreadyAcknowledgedAtTheConsole_SaysItNoLongerWaits()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: Settings);
        var alert = await RaiseAsync(host);
        var token = await IssueAsync(host, alert, Hubin);
        await host.Get<AlertWorkflowService>().ApplyAsync(alert, AlertAction.Acknowledge, AlertSteps.DutyOfficer, null);

        var outcome = await host.Get<AcknowledgementByLink>().AcknowledgeAsync(token);

        Assert.Equal(AckRefusal.NotWaiting, outcome.Refusal);
        Assert.Equal("值班员", outcome.View.Alert!.HandlerName);
        await using var db = host.NewDbContext();
        Assert.Null((await db.AcknowledgementTokens.SingleAsync()).UsedAt);
    }

    [Fact]
    public async Task AcknowledgeAsync_RecipientWithAnAccount_ActsAsThatAccountInItsSeat_UnlessDisabled()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: Settings);
        var alert = await RaiseAsync(host);
        var other = await RaiseAsync(host, "ext-2", DemoCity.GridCode(0, 3, 1));
        await using (var db = host.NewDbContext())
        {
            db.Roles.Add(new IdentityRole("DutyOfficer") { Id = "role-duty", NormalizedName = "DUTYOFFICER" });
            db.Users.Add(new CommandCenterUser { Id = "u-hubin-duty", UserName = "hubin-duty", NormalizedUserName = "HUBIN-DUTY", DisplayName = "湖滨值班员", NodeCode = Hubin });
            db.Users.Add(new CommandCenterUser { Id = "u-gone", UserName = "gone", NormalizedUserName = "GONE", DisplayName = "离职人员", NodeCode = Hubin, DisabledAt = StoreHost.Start });
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = "u-hubin-duty", RoleId = "role-duty" });
            await db.SaveChangesAsync();
        }

        var byLink = host.Get<AcknowledgementByLink>();
        var done = await byLink.AcknowledgeAsync(await IssueAsync(host, alert, Hubin, Zhang with { UserName = "hubin-duty" }));
        var disabled = await byLink.AcknowledgeAsync(await IssueAsync(host, other, Hubin, Zhang with { UserName = "gone" }));

        Assert.True(done.Acknowledged);
        Assert.Equal(AckRefusal.AccountDisabled, disabled.Refusal);
        Assert.Equal(AlertState.Reported, await StateAsync(host, other));
        await using var check = host.NewDbContext();
        var entry = await check.AuditEntries.SingleAsync(e => e.SubjectId == alert.ToString() && e.Action == AuditAction.Acknowledge);
        Assert.Equal(("湖滨值班员", $"DutyOfficer@{Hubin}"), (entry.Actor, entry.Seat));
    }

    [Fact]
    public async Task AcknowledgeAsync_RosterNamingAnAccountOfAnotherTown_ActsAsStaffOfTheDutyNodeNotAsThatAccount()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: Settings);
        var alert = await RaiseAsync(host);
        await using (var db = host.NewDbContext())
        {
            db.Roles.Add(new IdentityRole("Admin") { Id = "role-admin", NormalizedName = "ADMIN" });
            db.Users.Add(new CommandCenterUser { Id = "u-wj-admin", UserName = "wj-admin", NormalizedUserName = "WJ-ADMIN", DisplayName = "望江管理员", NodeCode = Wangjiang });
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = "u-wj-admin", RoleId = "role-admin" });
            await db.SaveChangesAsync();
        }

        // 湖滨's roster names 望江's administrator, by a typo or on purpose: the link must not act in that seat.
        var outcome = await host.Get<AcknowledgementByLink>().AcknowledgeAsync(await IssueAsync(host, alert, Hubin, Zhang with { UserName = "wj-admin" }));

        Assert.True(outcome.Acknowledged);
        await using var check = host.NewDbContext();
        var entry = await check.AuditEntries.SingleAsync(e => e.SubjectId == alert.ToString() && e.Action == AuditAction.Acknowledge);
        Assert.Equal(("张伟", $"Staff@{Hubin}"), (entry.Actor, entry.Seat));
    }

    [Fact]
    public async Task OpenAsync_UsedLinkPastItsLifetime_IsExpiredAndShowsNothingOfTheAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: Settings);
        var alert = await RaiseAsync(host);
        var token = await IssueAsync(host, alert, Hubin);
        var byLink = host.Get<AcknowledgementByLink>();
        Assert.True((await byLink.AcknowledgeAsync(token)).Acknowledged);

        var justUsed = await byLink.OpenAsync(token);
        host.Time.Advance(TimeSpan.FromHours(2));
        var later = await byLink.OpenAsync(token);

        Assert.Equal((AckLinkStatus.Used, AlertState.Acknowledged), (justUsed.Status, justUsed.Alert!.State));
        Assert.Equal((AckLinkStatus.Expired, (Alert?)null), (later.Status, later.Alert));
    }

    private static async Task<Guid> RaiseAsync(StoreHost host, string externalId = "ext-1", string? gridCode = null) =>
        (await host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(gridCode ?? GridCode, externalId, severity: Severity.Critical), Actors.Hotline)).Alert.Id;

    private static async Task<string> IssueAsync(StoreHost host, Guid alertId, string nodeCode, NotificationRecipient? recipient = null)
    {
        await using var db = host.NewDbContext();
        var link = host.Get<AcknowledgementLinks>().Issue(db, alertId, recipient ?? Zhang, nodeCode);
        await db.SaveChangesAsync();
        return Uri.UnescapeDataString(link.Segments[^1]);
    }

    private static async Task<AlertState> StateAsync(StoreHost host, Guid alertId)
    {
        await using var db = host.NewDbContext();
        return (await db.Alerts.SingleAsync(a => a.Id == alertId)).State;
    }
}
