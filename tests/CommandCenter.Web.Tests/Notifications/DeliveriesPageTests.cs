using System.Globalization;
using System.Security.Claims;
using Bunit;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Notifications.Delivery;
using CommandCenter.Testing;
using CommandCenter.Web.Access;
using CommandCenter.Web.Components.Pages.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace CommandCenter.Web.Tests.Notifications;

/// <summary>
/// 通知投递 on a real app whose SMS channel posts to a local receiver: the deliveries with their attempts and last
/// error, the filters, and sending a given-up delivery again.
/// </summary>
public sealed class DeliveriesPageTests : BunitContext, IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly CultureInfo _culture = CultureInfo.CurrentUICulture;
    private ChannelReceiver _receiver = null!;
    private CommandCenterApp _app = null!;

    public async Task InitializeAsync()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        JSInterop.Mode = JSRuntimeMode.Loose;
        _receiver = await ChannelReceiver.StartAsync();
        _app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path), settings: new Dictionary<string, string?>
        {
            ["Notifications:PublicBaseUrl"] = Outbox.PublicBaseUrl,
            ["Notifications:Sms:Url"] = _receiver.Url("sms?to={phone}"),
            ["Notifications:Delivery:MaxAttempts"] = "2",
            ["Notifications:Delivery:FirstRetryDelay"] = "00:00:02",
            ["Notifications:Delivery:MaxRetryDelay"] = "00:00:10",
            ["Notifications:Delivery:PollInterval"] = "01:00:00", // the test looks for due deliveries itself, one look at a time
        });
        Services.AddMudServices(options => options.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        Services.AddSingleton<TimeProvider>(_app.Time);
        foreach (var type in new[] { typeof(NotificationAdministration), typeof(AdminNodes), typeof(ReferenceData) })
        {
            Services.AddSingleton(type, _app.Services.GetRequiredService(type));
        }

        await using var db = _app.NewDbContext();
        var admin = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == "admin");
        var auth = AddAuthorization();
        auth.SetAuthorized("admin");
        auth.SetRoles("Admin");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.Id), new Claim(AccessPolicies.NodeClaim, admin.NodeCode), new Claim(AccessPolicies.DisplayNameClaim, admin.DisplayName));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        _app.Dispose();
        await _receiver.DisposeAsync();
        _dir.Dispose();
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = _culture;
    }

    [Fact]
    public async Task Deliveries_AreListedWithTheirAttemptsAndLastError()
    {
        var (zhang, li) = await ZhangGaveUpLiDeliveredAsync();

        var page = Render<NotificationDeliveries>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=delivery-row]").Count));
        Assert.Equal("共 2 条", page.Find("[data-testid=deliveries-total]").TextContent);
        var gaveUp = page.Find($"[data-delivery='{zhang}']");
        Assert.Equal("GaveUp", gaveUp.GetAttribute("data-state"));
        Assert.StartsWith("已放弃", gaveUp.QuerySelector("[data-testid=delivery-state]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("HTTP 500: receiver down", gaveUp.QuerySelector("[data-testid=delivery-error]")!.TextContent);
        Assert.Equal(["false", "false"], gaveUp.QuerySelectorAll("[data-testid=delivery-attempts] li").Select(li => li.GetAttribute("data-succeeded")));
        Assert.Contains("张伟", gaveUp.TextContent, StringComparison.Ordinal);
        Assert.Contains("湖滨街道", gaveUp.TextContent, StringComparison.Ordinal);
        Assert.Contains("短信", gaveUp.TextContent, StringComparison.Ordinal);
        var delivered = page.Find($"[data-delivery='{li}']");
        Assert.StartsWith("已送达", delivered.QuerySelector("[data-testid=delivery-state]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal(["true"], delivered.QuerySelectorAll("[data-testid=delivery-attempts] li").Select(li => li.GetAttribute("data-succeeded")));
        Assert.Null(delivered.QuerySelector("[data-testid=delivery-resend]"));
    }

    [Fact]
    public async Task FilterByRecipient_ListsOnlyTheirDeliveries()
    {
        var (zhang, _) = await ZhangGaveUpLiDeliveredAsync();
        var page = Render<NotificationDeliveries>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=delivery-row]").Count));

        var tagged = page.Find("[data-testid=deliveries-recipient]");
        var input = tagged.TagName == "INPUT" ? tagged : tagged.QuerySelector("input")!;
        await page.InvokeAsync(() => input.Input("张伟"));
        _app.Time.Advance(TimeSpan.FromSeconds(1)); // past the field's debounce, whichever clock it keeps

        page.WaitForAssertion(
            () => Assert.Equal([zhang.ToString(CultureInfo.InvariantCulture)], page.FindAll("[data-testid=delivery-row]").Select(r => r.GetAttribute("data-delivery"))),
            TimeSpan.FromSeconds(5));
        Assert.Equal("共 1 条", page.Find("[data-testid=deliveries-total]").TextContent);
    }

    [Fact]
    public async Task Resend_OfAGivenUpDelivery_SendsItAgain()
    {
        var (zhang, _) = await ZhangGaveUpLiDeliveredAsync();
        var page = Render<NotificationDeliveries>();
        page.WaitForElement($"[data-delivery='{zhang}'] [data-testid=delivery-resend]");

        await page.InvokeAsync(() => page.Find($"[data-delivery='{zhang}'] [data-testid=delivery-resend]").Click());

        page.WaitForAssertion(() => Assert.Equal("Pending", page.Find($"[data-delivery='{zhang}']").GetAttribute("data-state")));
        Assert.Equal("已重新排队发送：张伟（短信）", page.Find("[data-testid=deliveries-message]").TextContent.Trim());
        Assert.Null(page.Find($"[data-delivery='{zhang}']").QuerySelector("[data-testid=delivery-resend]"));
        await DeliverAsync();
        Assert.Single(_receiver.Accepted, r => r.Query == "?to=13800000001");
        await using var db = _app.NewDbContext();
        Assert.Equal(DeliveryState.Delivered, (await db.NotificationDeliveries.SingleAsync(d => d.Id == zhang)).State);
    }

    /// <summary>SMS to 张伟 and 李娜: 张伟's gateway refuses him (given up after MaxAttempts = 2), 李娜 gets hers at once.</summary>
    private async Task<(long Zhang, long Li)> ZhangGaveUpLiDeliveredAsync()
    {
        var grid = DemoCity.GridCode(0, 2, 3);
        var closed = await Outbox.CloseAsync(_app.Services, _app.Time.GetUtcNow(), DemoCity.TownCode(0), [(Guid.NewGuid(), grid, "【特急】燃气泄漏")], [Outbox.Zhang, Outbox.Li], (NotificationChannel.Sms, true));
        _receiver.Refuse = r => r.Query == "?to=13800000001";
        await DeliverAsync();
        await DeliverAsync();
        _receiver.Refuse = null;
        return (closed.Deliveries.Single(d => d.RecipientName == "张伟").Id, closed.Deliveries.Single(d => d.RecipientName == "李娜").Id);
    }

    /// <summary>One look for due deliveries after the back-off has passed, as the worker makes every second.</summary>
    private async Task DeliverAsync()
    {
        await _app.Services.GetRequiredService<NotificationDispatcher>().DeliverDueAsync();
        _app.Time.Advance(TimeSpan.FromSeconds(10));
    }
}
