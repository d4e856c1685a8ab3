using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>
/// Retries against a failing local receiver: every attempt recorded, the message received once it gets through and
/// never again, the schedule kept in the store, a given-up delivery sent again by an administrator.
/// </summary>
public sealed class DeliveryRetryTests
{
    private static readonly Operator Admin = new("u-admin", "管理员", Role.Admin, "330188");

    private static Dictionary<string, string?> Webhook(ChannelReceiver r) => new() { ["Notifications:Webhook:Url"] = r.Url("hook") };

    [Fact]
    public async Task ReceiverFailingTwice_GetsTheMessageOnce_AndTheAttemptsShowTwoFailuresAndASuccess()
    {
        await using var fixture = await DeliveryFixture.StartAsync(Webhook);
        var closed = await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.Webhook, false));
        fixture.Receiver.FailNext(2);

        await fixture.RunAsync(rounds: 5);

        var id = closed.Deliveries[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(3, fixture.Receiver.Received.Count(r => r.Header("X-CommandCenter-Delivery") == id));
        Assert.Single(fixture.Receiver.Accepted, r => r.Header("X-CommandCenter-Delivery") == id);
        var attempts = await fixture.AttemptsAsync(closed.Deliveries[0].Id);
        Assert.Equal([false, false, true], attempts.Select(a => a.Succeeded));
        Assert.Equal([500, 500, null], attempts.Select(a => a.StatusCode));
        Assert.Equal("HTTP 500: receiver down", attempts[0].Error);
        var delivery = await fixture.DeliveryAsync(closed.Deliveries[0].Id);
        Assert.Equal((DeliveryState.Delivered, 3, attempts[2].At), (delivery.State, delivery.Attempts, delivery.DeliveredAt));
        Assert.Null(delivery.LeasedUntil);
    }

    [Fact]
    public async Task FailedAttempt_IsRetriedOnlyWhenItsBackOffIsDue()
    {
        await using var fixture = await DeliveryFixture.StartAsync(Webhook);
        var closed = await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.Webhook, false));
        fixture.Receiver.FailNext(1);

        await fixture.Dispatcher.DeliverDueAsync();
        var failed = await fixture.DeliveryAsync(closed.Deliveries[0].Id);
        var sentAgainAtOnce = await fixture.Dispatcher.DeliverDueAsync();

        Assert.Equal(0, sentAgainAtOnce);
        Assert.Equal(DeliveryState.Pending, failed.State);
        // Polly's decorrelated jitter around the 2 s median, capped at the 10 s maximum.
        Assert.InRange(failed.NextAttemptAt - StoreHost.Start, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10));
        fixture.Host.Time.Advance(failed.NextAttemptAt - fixture.Host.Time.GetUtcNow());
        Assert.Equal(1, await fixture.Dispatcher.DeliverDueAsync());
        Assert.Equal(DeliveryState.Delivered, (await fixture.DeliveryAsync(failed.Id)).State);
    }

    [Fact]
    public async Task AttemptsRunOut_GivesUp_AndResendDeliversIt()
    {
        await using var fixture = await DeliveryFixture.StartAsync(Webhook, new() { ["Notifications:Delivery:MaxAttempts"] = "3" });
        var closed = await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.Webhook, false));
        fixture.Receiver.FailAlways();

        await fixture.RunAsync(rounds: 5);

        var given = await fixture.DeliveryAsync(closed.Deliveries[0].Id);
        Assert.Equal((DeliveryState.GaveUp, 3, "HTTP 500: receiver down"), (given.State, given.Attempts, given.LastError));
        Assert.Equal(3, fixture.Receiver.Received.Count);

        fixture.Receiver.Recover();
        await fixture.Host.Get<NotificationAdministration>().ResendAsync(given.Id, Admin);
        await fixture.RunAsync(rounds: 1);

        Assert.Equal(DeliveryState.Delivered, (await fixture.DeliveryAsync(given.Id)).State);
        Assert.Equal([false, false, false, true], (await fixture.AttemptsAsync(given.Id)).Select(a => a.Succeeded));
        Assert.Single(fixture.Receiver.Accepted);
        var audited = Assert.Single(await fixture.AuditAsync(AuditSubject.NotificationDelivery));
        Assert.Equal(
            (given.Id.ToString(CultureInfo.InvariantCulture), AuditAction.DeliveryResent, "管理员", "Admin@330188",
                $"notification {given.NotificationId}, Webhook to 值班群, after 3 attempts"),
            (audited.SubjectId, audited.Action, audited.Actor, audited.Seat, audited.Comment));
    }

    [Fact]
    public async Task Resend_OfADeliveredDelivery_IsRefused()
    {
        await using var fixture = await DeliveryFixture.StartAsync(Webhook);
        var closed = await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.Webhook, false));
        await fixture.RunAsync(rounds: 1);

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() => fixture.Host.Get<NotificationAdministration>().ResendAsync(closed.Deliveries[0].Id, Admin));

        Assert.Contains("Delivered", refused.Message, StringComparison.Ordinal);
        Assert.Single(fixture.Receiver.Received);
        Assert.Empty(await fixture.AuditAsync(AuditSubject.NotificationDelivery));
    }

    [Fact]
    public async Task UnreachableReceiver_IsAFailedAttemptWithTheReason()
    {
        // Nothing listens on the port: the attempt's quick in-process retries (which wait on the clock, moved on here
        // while they run) find it down too, and the attempt fails with the reason.
        await using var fixture = await DeliveryFixture.StartAsync(r => new() { ["Notifications:Webhook:Url"] = $"http://127.0.0.1:{LoopbackPorts.Free()}/hook" });
        var closed = await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.Webhook, false));

        var sending = fixture.Dispatcher.DeliverDueAsync();
        while (!sending.IsCompleted)
        {
            fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(20);
        }

        Assert.Equal(1, await sending);

        var attempt = Assert.Single(await fixture.AttemptsAsync(closed.Deliveries[0].Id));
        Assert.False(attempt.Succeeded);
        Assert.Null(attempt.StatusCode);
        Assert.Contains("Connection refused", attempt.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DeliveriesOfAChannelNotConfiguredHere_AreLeftForAServerThatHasIt()
    {
        await using var fixture = await DeliveryFixture.StartAsync(Webhook);
        var closed = await fixture.CloseAsync(await fixture.RaiseAsync(), (NotificationChannel.Sms, true));

        await fixture.RunAsync(rounds: 3);

        await using var db = fixture.Host.NewDbContext();
        Assert.All(await db.NotificationDeliveries.AsNoTracking().ToListAsync(), d => Assert.Equal((DeliveryState.Pending, 0), (d.State, d.Attempts)));
        Assert.Empty(await db.NotificationAttempts.ToListAsync());
        Assert.Equal(2, closed.Deliveries.Count);
    }
}
