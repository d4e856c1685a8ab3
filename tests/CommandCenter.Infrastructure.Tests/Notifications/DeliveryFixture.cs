using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Notifications;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>
/// A store with notification channels pointing at a local <see cref="ChannelReceiver"/>, an alert raised in a grid
/// of 湖滨街道, and the words the delivery tests share.
/// </summary>
internal sealed class DeliveryFixture : IAsyncDisposable
{
    public static readonly string Hubin = DemoCity.TownCode(0);
    public static readonly string GridCode = DemoCity.GridCode(0, 2, 3);

    private readonly TempDirectory _dir;

    private DeliveryFixture(TempDirectory dir, StoreHost host, ChannelReceiver receiver)
    {
        _dir = dir;
        Host = host;
        Receiver = receiver;
    }

    public StoreHost Host { get; }

    public ChannelReceiver Receiver { get; }

    public NotificationDispatcher Dispatcher => Host.Get<NotificationDispatcher>();

    /// <summary>A store whose channels are set by <paramref name="channels"/> (given the receiver), retrying after at most 10 s.</summary>
    public static async Task<DeliveryFixture> StartAsync(Func<ChannelReceiver, Dictionary<string, string?>> channels, Dictionary<string, string?>? more = null)
    {
        var dir = new TempDirectory();
        var receiver = await ChannelReceiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:PublicBaseUrl"] = Outbox.PublicBaseUrl,
            ["Notifications:Delivery:FirstRetryDelay"] = "00:00:02",
            ["Notifications:Delivery:MaxRetryDelay"] = "00:00:10",
        };
        foreach (var (key, value) in channels(receiver).Concat(more ?? []))
        {
            settings[key] = value;
        }

        var host = await StoreHost.StartAsync(dir.Path, settings: settings);
        return new DeliveryFixture(dir, host, receiver);
    }

    public async Task<Guid> RaiseAsync(string externalId = "ext-1", string? gridCode = null) =>
        (await Host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(gridCode ?? GridCode, externalId, severity: Severity.Critical), Actors.Hotline)).Alert.Id;

    /// <summary>A closed notification to 湖滨街道 about <paramref name="alert"/> for 张伟 and 李娜, through <paramref name="channels"/>.</summary>
    public Task<Outbox.Closed> CloseAsync(Guid alert, params (NotificationChannel, bool)[] channels) =>
        Outbox.CloseAsync(Host.Services, Host.Time.GetUtcNow(), Hubin, [(alert, GridCode, "【特急】湖滨街道 · 电动车被盗")], [Outbox.Zhang, Outbox.Li], channels);

    /// <summary>A closed notification to 湖滨街道 for 张伟 and 李娜 listing <paramref name="count"/> (≤ 50) alerts, one per grid: a storm's summary.</summary>
    public async Task<Outbox.Closed> CloseStormAsync(int count, params (NotificationChannel, bool)[] channels)
    {
        var alerts = new List<(Guid, string, string)>();
        for (var i = 0; i < count; i++)
        {
            var grid = DemoCity.GridCode(0, i / 10, 1 + (i % 10));
            alerts.Add((await RaiseAsync($"storm-{i}", grid), grid, $"【特急】湖滨街道 · 告警 {i + 1}"));
        }

        return await Outbox.CloseAsync(Host.Services, Host.Time.GetUtcNow(), Hubin, alerts, [Outbox.Zhang, Outbox.Li], channels);
    }

    /// <summary>Works what is due, then moves the clock past the longest back-off, <paramref name="rounds"/> times.</summary>
    public async Task RunAsync(int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            await Dispatcher.DeliverDueAsync();
            Host.Time.Advance(TimeSpan.FromSeconds(10));
        }
    }

    public async Task<NotificationDelivery> DeliveryAsync(long id)
    {
        await using var db = Host.NewDbContext();
        return await db.NotificationDeliveries.AsNoTracking().SingleAsync(d => d.Id == id);
    }

    public async Task<List<NotificationAttempt>> AttemptsAsync(long deliveryId)
    {
        await using var db = Host.NewDbContext();
        return [.. (await db.NotificationAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).ToListAsync()).OrderBy(a => a.At).ThenBy(a => a.Id)];
    }

    public async Task<List<AuditEntry>> AuditAsync(AuditSubject subject)
    {
        await using var db = Host.NewDbContext();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Subject == subject).OrderBy(e => e.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
        _dir.Dispose();
    }
}
