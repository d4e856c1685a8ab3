using CommandCenter.Core.Alerts;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using static CommandCenter.Infrastructure.Tests.Notifications.DutyDesks;
using static CommandCenter.Infrastructure.Tests.Notifications.NotificationRulesTests;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>
/// Re-notification on a real store, with the default policy (a reminder after 10 minutes unacknowledged, the rung
/// above 10 minutes later): each reminder once, none for an alert acknowledged in time.
/// </summary>
public sealed class NotificationReminderTests
{
    [Fact]
    public async Task Run_NotAcknowledged_RemindsTheSameNodeThenTellsTheRungAboveEachOnce()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        var alert = await RaiseAsync(host, Grid, Severity.Critical);
        await host.RunAsync();

        host.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await host.RunAsync();
        var early = (await host.ToldAsync()).Count;
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.RunAsync();
        await host.RunAsync();
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.RunAsync();
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.RunAsync();

        var told = await host.ToldAsync();
        Assert.Equal(1, early);
        Assert.Equal([$"raised:{alert}", $"reminder:{alert}:1", $"reminder:{alert}:2"], told.Select(t => t.Item.EventKey));
        Assert.Equal([Community, Community, Town], told.Select(t => t.Notification.NodeCode));
        Assert.All(told.Skip(1), t => Assert.Equal(NotificationEvent.Reminder, t.Item.Event));
        Assert.Equal(new[] { TownDuty.Name, TownLeader.Name }.Order(), told[2].Notification.Names());
    }

    [Fact]
    public async Task Run_AcknowledgedInTime_NoReminder()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir);
        await StaffAllAsync(host);
        var alert = await RaiseAsync(host, Grid, Severity.Critical);
        await host.RunAsync();
        host.Time.Advance(TimeSpan.FromMinutes(3));
        await host.Get<AlertWorkflowService>().ApplyAsync(alert, AlertAction.Acknowledge, AlertSteps.DutyOfficer, null);

        host.Time.Advance(TimeSpan.FromMinutes(30));
        await host.RunAsync();

        Assert.Equal([$"raised:{alert}"], (await host.ToldAsync()).Select(t => t.Item.EventKey));
    }
}
