using CommandCenter.Core.Alerts;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using static CommandCenter.Infrastructure.Tests.Notifications.DutyDesks;
using static CommandCenter.Infrastructure.Tests.Notifications.NotificationRulesTests;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>
/// Grouping and closing on a real store: a storm in one town becomes a handful of messages listing every alert once;
/// closing fixes the recipients, issues one acknowledgement link per (recipient, alert) and creates exactly the
/// deliveries the registered channels call for.
/// </summary>
public sealed class NotificationGroupingTests
{
    private static readonly string[] Categories = ["0101", "0201", "0301", "0401"];

    [Fact]
    public async Task Run_StormOf200AlertsInOneTownOver20Seconds_GoesOutAsAHandfulOfMessagesListingEachAlertOnce()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await SaveAsync(host, Town, [TownDuty], TownLeader); // the town's desk holds every grid of the town
        var alerts = new List<Guid>();
        for (var i = 0; i < 200; i++)
        {
            // 50 grids × 4 categories: 200 different events, none a repeat of another.
            var grid = DemoCity.GridCode(0, i % 50 / 10, 1 + (i % 10));
            alerts.Add(await RaiseAsync(host, grid, Severity.Critical, $"storm-{i}", Categories[i / 50]));
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
            if (i % 10 == 9)
            {
                await host.RunAsync(); // the one-second pass
            }
        }

        for (var second = 0; second < 40; second++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            await host.RunAsync();
        }

        var told = await host.ToldAsync();
        var notifications = told.Select(t => t.Notification).DistinctBy(n => n.Id).ToList();
        Assert.InRange(notifications.Count, 2, 3);
        Assert.All(notifications, n => Assert.Equal((Town, true), (n.NodeCode, n.ClosedAt is not null)));
        Assert.Equal(alerts.Order(), told.Select(t => t.Item.AlertId!.Value).Order());
        Assert.Equal(alerts.Count, told.Select(t => t.Item.EventKey).Distinct().Count());
        Assert.All(notifications, n => Assert.Equal(told.Count(t => t.Notification.Id == n.Id) + 1, n.Text!.Split('\n').Length));
    }

    [Fact]
    public async Task Run_AlertsWithinTheWindowAfterAMessage_JoinOneNotificationThatClosesWhenTheWindowEnds()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        await RaiseAsync(host, Grid, Severity.Critical, "first");
        await host.RunAsync();
        host.Time.Advance(TimeSpan.FromSeconds(5));
        await RaiseAsync(host, Grid, Severity.Critical, "second", "0201");
        await RaiseAsync(host, Grid, Severity.Serious, "third", "0301");

        var during = await host.RunAsync();
        host.Time.Advance(TimeSpan.FromSeconds(25));
        var after = await host.RunAsync();

        Assert.Equal((2, 0), during);
        Assert.Equal((0, 1), after);
        var second = (await host.ToldAsync()).Select(t => t.Notification).Last();
        Assert.Equal(StoreHost.Start.AddSeconds(30), second.ClosedAt);
        Assert.StartsWith("【网格指挥中心】", second.Text);
        Assert.Contains(" 2 条告警", second.Text!.Split('\n')[0]);
    }

    [Fact]
    public async Task Close_TwoAlertsToTwoPeople_CreatesTheChannelsDeliveriesAndOneLinkPerRecipientAndAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        await RaiseAsync(host, Grid, Severity.Critical, "first");
        await host.RunAsync();
        host.Time.Advance(TimeSpan.FromSeconds(5));
        var a = await RaiseAsync(host, Grid, Severity.Critical, "second", "0201");
        var b = await RaiseAsync(host, Grid, Severity.Critical, "third", "0301");
        await host.RunAsync();
        host.Time.Advance(TimeSpan.FromSeconds(25));
        await host.RunAsync();

        var notification = (await host.ToldAsync()).Select(t => t.Notification).Last();
        await using var db = host.NewDbContext();
        var deliveries = await db.NotificationDeliveries.Where(d => d.NotificationId == notification.Id).ToListAsync();
        Assert.Equal(
            [(NotificationChannel.Webhook, "*"), (NotificationChannel.Sms, CommunityDuty.UserName!)],
            deliveries.Select(d => (d.Channel, d.RecipientKey)).OrderBy(d => d.Channel == NotificationChannel.Sms));
        Assert.All(deliveries, d => Assert.Equal((DeliveryState.Pending, host.Time.GetUtcNow()), (d.State, d.NextAttemptAt)));
        Assert.Equal(CommunityDuty.Phone, deliveries.Single(d => d.Channel == NotificationChannel.Sms).RecipientPhone);

        var addressees = notification.Addressees();
        Assert.Equal(2, addressees.Count);
        Assert.All(addressees, x => Assert.Equal(new[] { a, b }.Order(), x.AckLinks.Keys.Order()));
        var tokens = await db.AcknowledgementTokens.Where(t => t.AlertId == a || t.AlertId == b).ToListAsync();
        Assert.Equal(4, tokens.Count);
        Assert.Equal(4, tokens.Select(t => (t.RecipientKey, t.AlertId)).Distinct().Count());
        Assert.All(tokens, t => Assert.Equal(Community, t.NodeCode));
        var links = host.Get<AcknowledgementLinks>();
        Assert.All(addressees.SelectMany(x => x.AckLinks.Values), link =>
            Assert.Contains(links.Open(Uri.UnescapeDataString(link.Segments[^1]))!.Value, tokens.Select(t => t.Id)));
    }
}
