using System.Globalization;
using Bunit;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Console;
using CommandCenter.Web.Tests.Wall;
using CommandCenter.Web.Wall;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Console;

/// <summary>
/// The console's audit trail on a real store: a General report of 电动车被盗 (category 0101: acknowledge within 30 min)
/// that happened three hours before it was reported (the General late-report limit is 120 min), so the system both
/// charges it as late and, when nobody acknowledges it, escalates it.
/// </summary>
public sealed class AlertTimelineTests : WallTestContext
{
    private static readonly DateTimeOffset OccurredAt = StoreHost.Start - TimeSpan.FromHours(3);

    [Fact]
    public async Task SystemEntries_AreSaidInChinese_FromTheirFacts_NotTheStoredEnglishRecord()
    {
        var (alert, entries) = await EscalatedLateAlertAsync();

        var timeline = Render<AlertTimeline>(p => p.Add(c => c.Entries, entries).Add(c => c.Alert, alert));

        var responsible = DemoCity.Map().Find(alert.GridCode)!.Responsible.Name;
        var late = timeline.Find("li[data-action=LateReportCharged]");
        Assert.Contains("迟报追责", late.TextContent, StringComparison.Ordinal);
        Assert.Equal($"应于 {Local(OccurredAt + TimeSpan.FromMinutes(120))} 前上报，迟报记入 {responsible}", late.QuerySelector("[data-testid=system-detail]")!.TextContent);
        Assert.Equal("系统", late.QuerySelector(".who")!.TextContent);

        var escalated = timeline.Find("li[data-action=Escalated]");
        Assert.Contains("超时升级", escalated.TextContent, StringComparison.Ordinal);
        Assert.Equal($"时限 {Local(StoreHost.Start + TimeSpan.FromMinutes(30))} 已过，升级至社区", escalated.QuerySelector("[data-testid=system-detail]")!.TextContent);
        Assert.Equal("系统", escalated.QuerySelector(".who")!.TextContent);

        // The stored English comments stay in the audit record and off the page.
        Assert.All(entries.Where(e => e.Seat == "system"), e => Assert.False(string.IsNullOrEmpty(e.Comment)));
        Assert.DoesNotContain("Overdue in", timeline.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Charged to grid", timeline.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondEscalation_ClimbsToTheNextRung()
    {
        var (alert, _) = await EscalatedLateAlertAsync();
        var staff = new Core.Access.Operator("u-hubin", "陈静", Core.Access.Role.Staff, "330188001");
        await Store.Get<AlertWorkflowService>().ApplyAsync(alert.Id, AlertAction.Acknowledge, staff, null);
        Time.Advance(TimeSpan.FromMinutes(61)); // the dispatch deadline (60 min) passes too
        await Store.Get<EscalationService>().EscalateDueAsync();

        var timeline = Render<AlertTimeline>(p => p.Add(c => c.Entries, EntriesOf(alert.Id)).Add(c => c.Alert, alert));

        var details = timeline.FindAll("li[data-action=Escalated] [data-testid=system-detail]").Select(d => d.TextContent).ToList();
        Assert.Equal(2, details.Count);
        Assert.EndsWith("升级至社区", details[0], StringComparison.Ordinal);
        Assert.EndsWith("升级至镇街", details[1], StringComparison.Ordinal);
        var acknowledged = timeline.Find("li[data-action=Acknowledge]");
        Assert.Equal("陈静", acknowledged.QuerySelector(".who")!.TextContent);
    }

    [Fact]
    public async Task InEnglish_SystemEntriesAreSaidInEnglish()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        var (alert, entries) = await EscalatedLateAlertAsync();

        var timeline = Render<AlertTimeline>(p => p.Add(c => c.Entries, entries).Add(c => c.Alert, alert));

        Assert.Equal($"Deadline {Local(StoreHost.Start + TimeSpan.FromMinutes(30))} passed; escalated to Community level",
            timeline.Find("li[data-action=Escalated] [data-testid=system-detail]").TextContent);
        Assert.Equal("System", timeline.Find("li[data-action=Escalated] .who").TextContent);
    }

    [Fact]
    public async Task StaffComment_IsShownAsWritten()
    {
        var (alert, _) = await EscalatedLateAlertAsync();
        var staff = new Core.Access.Operator("u-hubin", "陈静", Core.Access.Role.Staff, "330188001");
        await Store.Get<AlertWorkflowService>().ApplyAsync(alert.Id, AlertAction.Acknowledge, staff, "已联系报案人");

        var timeline = Render<AlertTimeline>(p => p.Add(c => c.Entries, EntriesOf(alert.Id)).Add(c => c.Alert, alert));

        Assert.Equal("已联系报案人", timeline.Find("li[data-action=Acknowledge] .comment").TextContent);
    }

    [Fact]
    public async Task SeverityRaisedByARepeat_IsSaidInThePagesLanguage()
    {
        await UseStoreAsync();
        var ingestion = Store.Get<AlertIngestionService>();
        var grid = DemoCity.GridCode(0, 1, 2);
        var raised = await ingestion.IngestAsync(new NewAlertReport(AlertSource.Hotline, "ext-1", "0101", Severity.Major, grid, null, StoreHost.Start, "电动车被盗"), Actor.System("test"));
        await ingestion.IngestAsync(new NewAlertReport(AlertSource.Hotline, "ext-2", "0101", Severity.Serious, grid, null, StoreHost.Start, "电动车被盗"), Actor.System("test"));

        var timeline = Render<AlertTimeline>(p => p.Add(c => c.Entries, EntriesOf(raised.Alert.Id)));

        var step = timeline.Find("li[data-action=SeverityRaised]");
        Assert.Contains("重复上报提升等级", step.QuerySelector(".what")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("较大 → 重大", step.QuerySelector("[data-testid=system-detail]")!.TextContent);
    }

    private async Task<(Alert Alert, List<AuditEntry> Entries)> EscalatedLateAlertAsync()
    {
        await UseStoreAsync();
        var raised = await Store.Get<AlertIngestionService>().IngestAsync(
            new NewAlertReport(AlertSource.Hotline, "ext-1", "0101", Severity.General, DemoCity.GridCode(0, 1, 2), null, OccurredAt, "电动车被盗"), Actor.System("test"));
        Assert.Equal(1, await Store.Get<LateReportService>().ChargeDueAsync());
        Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(1, await Store.Get<EscalationService>().EscalateDueAsync());
        await using var db = Store.NewDbContext();
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == raised.Alert.Id);
        return (alert, EntriesOf(alert.Id));
    }

    private List<AuditEntry> EntriesOf(Guid alertId)
    {
        using var db = Store.NewDbContext();
        var subject = alertId.ToString();
        return [.. db.AuditEntries.AsNoTracking().Where(e => e.Subject == AuditSubject.Alert && e.SubjectId == subject).OrderBy(e => e.At).ThenBy(e => e.Id)];
    }

    private static string Local(DateTimeOffset at) => CityClock.Local(at).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);
}
