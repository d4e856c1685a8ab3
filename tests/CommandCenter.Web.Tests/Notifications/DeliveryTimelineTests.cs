using System.Globalization;
using Bunit;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Console;
using CommandCenter.Web.Tests.Wall;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Notifications;

/// <summary>The attempts to notify people about an alert, on its timeline among the audit entries, said from their facts.</summary>
public sealed class DeliveryTimelineTests : WallTestContext
{
    [Fact]
    public async Task Attempts_AreOnTheTimeline_FailuresNumberedAndTheDelivery()
    {
        var (alert, entries, attempts) = await NotifiedAfterTwoFailuresAsync();

        var timeline = Render<AlertTimeline>(p => p.Add(c => c.Entries, entries).Add(c => c.Alert, alert).Add(c => c.Notifications, attempts));

        var steps = timeline.FindAll("li").Select(li => li.GetAttribute("data-action")).ToList();
        Assert.Equal(["Raised", "Notification", "Notification", "Notification"], steps);
        var details = timeline.FindAll("li[data-action=Notification] [data-testid=notification-detail]").Select(d => d.TextContent).ToList();
        Assert.Equal(
            ["通知 张伟（短信）第 1 次失败：HTTP 500: receiver down", "通知 张伟（短信）第 2 次失败：HTTP 500: receiver down", "通知 张伟（短信）已送达"],
            details);
        Assert.Equal(["false", "false", "true"], timeline.FindAll("li[data-action=Notification]").Select(li => li.GetAttribute("data-succeeded")));
        Assert.All(timeline.FindAll("li[data-action=Notification] .what"), what => Assert.Equal("通知", what.TextContent));
    }

    [Fact]
    public async Task InEnglish_AttemptsAreSaidInEnglish()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        var (alert, entries, attempts) = await NotifiedAfterTwoFailuresAsync();

        var timeline = Render<AlertTimeline>(p => p.Add(c => c.Entries, entries).Add(c => c.Alert, alert).Add(c => c.Notifications, attempts));

        var details = timeline.FindAll("[data-testid=notification-detail]").Select(d => d.TextContent).ToList();
        Assert.Equal("Notifying 张伟 (SMS) failed, attempt 2: HTTP 500: receiver down", details[1]);
        Assert.Equal("Notified 张伟 (SMS): delivered", details[2]);
    }

    private async Task<(Alert Alert, List<AuditEntry> Entries, IReadOnlyList<AlertDeliveryAttempt> Attempts)> NotifiedAfterTwoFailuresAsync()
    {
        await using var receiver = await ChannelReceiver.StartAsync();
        await UseStoreAsync(new Dictionary<string, string?>
        {
            ["Notifications:PublicBaseUrl"] = Outbox.PublicBaseUrl,
            ["Notifications:Sms:Url"] = receiver.Url("sms?to={phone}"),
            ["Notifications:Delivery:MaxRetryDelay"] = "00:00:10",
            ["Notifications:Delivery:FirstRetryDelay"] = "00:00:02",
        });
        var grid = DemoCity.GridCode(0, 1, 2);
        var raised = await Store.Get<AlertIngestionService>().IngestAsync(
            new NewAlertReport(AlertSource.Hotline, "ext-1", "0101", Severity.Critical, grid, null, StoreHost.Start, "电动车被盗"), Actor.System("test"));
        Time.Advance(TimeSpan.FromSeconds(30));
        await Outbox.CloseAsync(Store.Services, Time.GetUtcNow(), DemoCity.TownCode(0), [(raised.Alert.Id, grid, "【特急】电动车被盗")], [Outbox.Zhang], (NotificationChannel.Sms, true));
        receiver.FailNext(2);
        for (var i = 0; i < 4; i++)
        {
            await Store.Get<NotificationDispatcher>().DeliverDueAsync();
            Time.Advance(TimeSpan.FromSeconds(10));
        }

        await using var db = Store.NewDbContext();
        var subject = raised.Alert.Id.ToString();
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Subject == AuditSubject.Alert && e.SubjectId == subject).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync();
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == raised.Alert.Id);
        return (alert, entries, await db.AttemptsAboutAsync(alert.Id));
    }
}
