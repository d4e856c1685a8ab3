using System.Diagnostics;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;
using CommandCenter.Web.Tests.Hosting;
using Microsoft.Data.Sqlite;

namespace CommandCenter.Web.Tests.Notifications;

/// <summary>
/// The real server process sending to a failing receiver, killed (SIGKILL) after a failed attempt and started again
/// once the receiver recovers: the outbox is in the store, so nothing is lost and the message arrives exactly once.
/// </summary>
public sealed class DeliveryKillTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task KillingTheServerBetweenAttempts_LosesNothingAndDuplicatesNothing()
    {
        await using var receiver = await ChannelReceiver.StartAsync();
        receiver.FailAlways();
        var delivery = await CloseANotificationAsync();
        var environment = new Dictionary<string, string?>
        {
            ["Simulator__Enabled"] = "false",
            ["Notifications__PublicBaseUrl"] = Outbox.PublicBaseUrl,
            ["Notifications__Webhook__Url"] = receiver.Url("hook"),
            ["Notifications__Delivery__FirstRetryDelay"] = "00:00:00.500",
            ["Notifications__Delivery__MaxRetryDelay"] = "00:00:01",
            ["Notifications__Delivery__PollInterval"] = "00:00:00.200",
            ["Notifications__Delivery__SendTimeout"] = "00:00:02",
            ["Notifications__Delivery__LeaseDuration"] = "00:00:04",
        };

        var first = await ProductProcess.StartAsync(_dir.Path, environment);
        await WaitAsync(async () => await ScalarAsync($"SELECT count(*) FROM NotificationAttempts WHERE DeliveryId = {delivery} AND Succeeded = 0") >= 2, "two failed attempts recorded");
        await first.DisposeAsync(); // SIGKILL
        var failedBeforeKill = await ScalarAsync($"SELECT count(*) FROM NotificationAttempts WHERE DeliveryId = {delivery} AND Succeeded = 0");
        Assert.Equal("Pending", await TextAsync($"SELECT State FROM NotificationDeliveries WHERE Id = {delivery}"));

        receiver.Recover();
        await using var second = await ProductProcess.StartAsync(_dir.Path, environment);
        await WaitAsync(async () => await TextAsync($"SELECT State FROM NotificationDeliveries WHERE Id = {delivery}") == "Delivered", "the delivery delivered after the restart");
        await Task.Delay(TimeSpan.FromSeconds(2)); // several more polls: nothing more may go out

        var id = delivery.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The running rules notify too (the seeded city's grids are silent by the real clock): count this delivery's.
        var ours = receiver.Received.Where(r => r.Header("X-CommandCenter-Delivery") == id).ToList();
        Assert.Single(receiver.Accepted, r => r.Header("X-CommandCenter-Delivery") == id);
        Assert.Equal(1, await ScalarAsync($"SELECT count(*) FROM NotificationAttempts WHERE DeliveryId = {delivery} AND Succeeded = 1"));
        Assert.True(await ScalarAsync($"SELECT count(*) FROM NotificationAttempts WHERE DeliveryId = {delivery} AND Succeeded = 0") >= failedBeforeKill);

        // Every recorded attempt reached the receiver; a request cut off by the kill may have gone unrecorded.
        Assert.InRange(await ScalarAsync($"SELECT count(*) FROM NotificationAttempts WHERE DeliveryId = {delivery}"), failedBeforeKill + 1, ours.Count);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>The seeded store with one closed notification to 张伟 through the webhook, due now; its delivery's id.</summary>
    private async Task<long> CloseANotificationAsync()
    {
        SeededStore.CopyInto(_dir.Path);
        await using var host = await StoreHost.StartAsync(_dir.Path, settings: new Dictionary<string, string?> { ["Notifications:PublicBaseUrl"] = Outbox.PublicBaseUrl });
        var closed = await Outbox.CloseAsync(host.Services, DateTimeOffset.UtcNow, DemoCity.TownCode(0), [(Guid.NewGuid(), DemoCity.GridCode(0, 0, 1), "【特急】燃气泄漏")], [Outbox.Zhang], (NotificationChannel.Webhook, false));
        return closed.Deliveries[0].Id;
    }

    private async Task<long> ScalarAsync(string sql) => Convert.ToInt64(await QueryAsync(sql), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string?> TextAsync(string sql) => (string?)await QueryAsync(sql);

    private async Task<object?> QueryAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, StoreOptions.StoreFile)};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"Not within 60 s: {what}.");
            await Task.Delay(100);
        }
    }
}
