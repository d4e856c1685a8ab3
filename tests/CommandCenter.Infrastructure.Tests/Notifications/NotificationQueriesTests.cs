using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>The attempts an alert's timeline shows: those of the notifications about it, each numbered within its delivery.</summary>
public sealed class NotificationQueriesTests
{
    [Fact]
    public async Task AttemptsAbout_NumbersEachDeliverysAttempts_AndLeavesOtherAlertsOut()
    {
        await using var fixture = await DeliveryFixture.StartAsync(r => new()
        {
            ["Notifications:Sms:Url"] = r.Url("sms?to={phone}"),
            ["Notifications:Webhook:Url"] = r.Url("hook"),
        });
        var told = await fixture.RaiseAsync("ext-1");
        var other = await fixture.RaiseAsync("ext-2", DemoCity.GridCode(0, 0, 1)); // another grid: not merged into the first
        await fixture.CloseAsync(told, (NotificationChannel.Sms, true));
        await Outbox.CloseAsync(fixture.Host.Services, fixture.Host.Time.GetUtcNow(), DeliveryFixture.Hubin, [(other, DeliveryFixture.GridCode, "另一告警")], [Outbox.Zhang], (NotificationChannel.Webhook, false));
        fixture.Receiver.Refuse = r => r.Query == "?to=13800000001";
        await fixture.RunAsync(rounds: 1);
        fixture.Receiver.Refuse = null;
        await fixture.RunAsync(rounds: 1);

        await using var db = fixture.Host.NewDbContext();
        var attempts = await db.AttemptsAboutAsync(told);
        var others = await db.AttemptsAboutAsync(other);

        Assert.Equal(
            [("张伟", 1, false), ("李娜", 1, true), ("张伟", 2, true)],
            attempts.Select(a => (a.RecipientName, a.Number, a.Succeeded)));
        Assert.All(attempts, a => Assert.Equal(NotificationChannel.Sms, a.Channel));
        Assert.Equal("HTTP 500: receiver down", attempts[0].Error);
        var only = Assert.Single(others);
        Assert.Equal((NotificationChannel.Webhook, "值班群", 1, true), (only.Channel, only.RecipientName, only.Number, only.Succeeded));
    }
}
