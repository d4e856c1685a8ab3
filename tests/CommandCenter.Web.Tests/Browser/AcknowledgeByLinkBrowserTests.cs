using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Notifications;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.Web.Tests.Browser;

/// <summary>
/// The link in a notification, opened on a phone without signing in: the alert is readable on a narrow screen, one
/// press acknowledges it as the recipient, and opening the link again says it was used.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategory.Name, TestCategory.Browser)]
public sealed class AcknowledgeByLinkBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private CommandCenterApp _app = null!;
    private IBrowserContext _phone = null!;

    public async Task InitializeAsync()
    {
        _app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path), realTime: true, settings: new Dictionary<string, string?>
        {
            ["Notifications:PublicBaseUrl"] = "https://cc.example.gov.cn/",
        });

        // A phone: narrow, touch, Chinese.
        _phone = await browser.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
        });
    }

    public async Task DisposeAsync()
    {
        await _phone.CloseAsync();
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Link_OnAPhone_AcknowledgesOnceAsTheRecipient_AndAReusedLinkIsRefused()
    {
        var alertId = (await _app.Services.GetRequiredService<AlertIngestionService>().IngestAsync(
            new NewAlertReport(AlertSource.Hotline, "ack-link-1", "0101", Severity.Critical, DemoCity.GridCode(0, 1, 2), null, DateTimeOffset.UtcNow, "燃气泄漏"),
            Actor.System("api:hotline"))).Alert.Id;
        var link = await IssueAsync(alertId, new NotificationRecipient("张伟", "13800000001", null, IsLeader: false), DemoCity.TownCode(0));
        var page = await _phone.NewPageAsync();

        await page.GotoAsync(link);

        await Expect(page.GetByTestId("ack-alert-title")).ToHaveTextAsync("燃气泄漏");
        await Expect(page.GetByTestId("ack-alert-state")).ToHaveTextAsync("待签收");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways on a phone.");
        await page.GetByTestId("ack-submit").TapAsync();

        await Expect(page.GetByTestId("ack-message")).ToHaveTextAsync("已签收。请按时限组织处置。");
        await Expect(page.GetByTestId("ack-alert-state")).ToHaveTextAsync("已签收（张伟）");
        await using (var db = _app.NewDbContext())
        {
            var entry = await db.AuditEntries.SingleAsync(e => e.SubjectId == alertId.ToString() && e.Action == AuditAction.Acknowledge);
            Assert.Equal(("张伟", AcknowledgementByLink.Comment), (entry.Actor, entry.Comment));
        }

        await page.GotoAsync(link);

        await Expect(page.GetByTestId("ack-message")).ToContainTextAsync("此链接已使用");
        await Expect(page.GetByTestId("ack-submit")).ToHaveCountAsync(0);

        await page.GotoAsync(link[..^4] + "abcd");

        await Expect(page.GetByTestId("ack-message")).ToHaveTextAsync("链接无效，请使用通知中的完整链接。");
    }

    /// <summary>A link as a message would carry it, pointed at the app under test instead of the public address.</summary>
    private async Task<string> IssueAsync(Guid alertId, NotificationRecipient recipient, string nodeCode)
    {
        await using var db = _app.NewDbContext();
        var issued = _app.Services.GetRequiredService<AcknowledgementLinks>().Issue(db, alertId, recipient, nodeCode);
        await db.SaveChangesAsync();
        return new Uri(_app.BaseAddress, issued.PathAndQuery.TrimStart('/')).ToString();
    }
}
