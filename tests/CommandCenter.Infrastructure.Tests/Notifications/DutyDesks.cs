using CommandCenter.Core.Duty;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Duty;
using CommandCenter.Infrastructure.Notifications;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>
/// The duty desks of the notification-rule tests: a community, its town and the city of the demo city, each with an
/// all-day shift held by named people, stored as the roster pages store them; and stand-in channels registered as
/// the delivery side registers its configured ones.
/// </summary>
internal static class DutyDesks
{
    public const string City = "330188";
    public static readonly string Town = DemoCity.TownCode(0);
    public static readonly string Community = Town + "003";
    public static readonly string Grid = DemoCity.GridCode(0, 2, 3);

    public static readonly DutyPerson CommunityDuty = new("张伟", "13800000001", "zhangwei");
    public static readonly DutyPerson CommunityDutyNoPhone = new("李娜", null);
    public static readonly DutyPerson CommunityLeader = new("陈刚", "13900000001");
    public static readonly DutyPerson TownDuty = new("王强", "13800000002");
    public static readonly DutyPerson TownLeader = new("赵敏", "13900000002");
    public static readonly DutyPerson CityDuty = new("孙丽", "13800000003");
    public static readonly DutyPerson CityLeader = new("周杰", "13900000003");

    public static readonly Dictionary<string, string?> Settings = new() { ["Notifications:PublicBaseUrl"] = "https://cc.example.gov.cn/" };

    /// <summary>A webhook robot (one post for all) and SMS (one per person with a phone), as configured channels.</summary>
    public static void AddChannels(IServiceCollection services)
    {
        services.AddSingleton<INotificationChannel>(new StandInChannel(NotificationChannel.Webhook, perRecipient: false));
        services.AddSingleton<INotificationChannel>(new StandInChannel(NotificationChannel.Sms, perRecipient: true));
    }

    public static Task<StoreHost> StartAsync(TempDirectory dir, IDictionary<string, string?>? settings = null) =>
        StoreHost.StartAsync(dir.Path, settings: settings ?? Settings, configure: AddChannels);

    /// <summary>Rosters at the community, the town and the city, each one all-day shift with a leader on call.</summary>
    public static async Task StaffAllAsync(StoreHost host)
    {
        await SaveAsync(host, Community, [CommunityDuty, CommunityDutyNoPhone], CommunityLeader);
        await SaveAsync(host, Town, [TownDuty], TownLeader);
        await SaveAsync(host, City, [CityDuty], CityLeader);
    }

    /// <summary>Stores <paramref name="nodeCode"/>'s roster: one shift from midnight to midnight, every day the same crew.</summary>
    public static async Task SaveAsync(StoreHost host, string nodeCode, IReadOnlyList<DutyPerson> onDuty, DutyPerson? leader)
    {
        var roster = new DutyRoster(
            nodeCode,
            [new DutyShift("全天", new TimeOnly(0, 0), new TimeOnly(0, 0))],
            new DutyRotation(new DateOnly(2026, 11, 1), [new Dictionary<string, DutyCrew> { ["全天"] = new(onDuty, leader) }]));
        await using var db = host.NewDbContext();
        db.DutyRosters.Add(new DutyRosterRecord
        {
            NodeCode = nodeCode,
            Document = DutyRosterDocument.Of(roster).ToJson(),
            UpdatedAt = host.Time.GetUtcNow(),
            UpdatedBy = "admin",
        });
        await db.SaveChangesAsync();
    }

    public static Task<(int Told, int Closed)> RunAsync(this StoreHost host) => host.Get<NotificationRulesService>().RunOnceAsync();

    /// <summary>Every item told, with the notification it joined.</summary>
    public static async Task<List<(NotificationItem Item, Notification Notification)>> ToldAsync(this StoreHost host)
    {
        await using var db = host.NewDbContext();
        var rows = await db.NotificationItems.AsNoTracking()
            .Join(db.Notifications.AsNoTracking(), i => i.NotificationId, n => n.Id, (i, n) => new { i, n })
            .ToListAsync();
        return [.. rows.OrderBy(r => r.i.Id).Select(r => (r.i, r.n))];
    }

    /// <summary>The recipients a closed notification fixed, with their acknowledgement links.</summary>
    public static IReadOnlyList<NotificationAddressee> Addressees(this Notification notification) =>
        System.Text.Json.JsonSerializer.Deserialize<List<NotificationAddressee>>(
            notification.Recipients ?? throw new InvalidOperationException($"Notification {notification.Id} is not closed."),
            System.Text.Json.JsonSerializerOptions.Web)!;

    public static IEnumerable<string> Names(this Notification notification) => notification.Addressees().Select(a => a.Recipient.Name).Order();

    /// <summary>A channel of our own port that is never sent through: the tests look at the deliveries closing creates.</summary>
    private sealed class StandInChannel(NotificationChannel kind, bool perRecipient) : INotificationChannel
    {
        public NotificationChannel Kind => kind;

        public bool PerRecipient => perRecipient;

        public Task SendAsync(OutgoingNotification message, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Rules tests create deliveries; sending them is the delivery worker's.");
    }
}
