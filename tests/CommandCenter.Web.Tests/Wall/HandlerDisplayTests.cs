using Bunit;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Web.Components.Wall;
using CommandCenter.Web.Wall;

namespace CommandCenter.Web.Tests.Wall;

/// <summary>
/// "Being handled by X" is visible to everyone on the wall: screens that give no sign of who handles a case are a
/// common complaint (the domain notes in wwwroot-assets/docs/, "Big-screen rules").
/// </summary>
public sealed class HandlerDisplayTests : WallTestContext
{
    private WallAlertRow Row(string? handler) =>
        new(Guid.NewGuid(), "楼道堆物", "消防隐患", Severity.Major, "湖滨街道", "翠苑社区", "翠苑社区第1网格",
            handler is null ? AlertState.Reported : AlertState.Acknowledged, 0, Time.GetUtcNow(), Time.GetUtcNow(), false, handler);

    [Fact]
    public void Render_AcknowledgedAlert_SaysWhoIsHandlingIt()
    {
        var cut = Render<AlertFeed>(p => p.Add(c => c.Alerts, [Row("湖滨街道处置员")]).Add(c => c.Now, Time.GetUtcNow()));

        Assert.Equal("湖滨街道处置员 处理中", cut.Find("[data-testid=handler]").TextContent);
        Assert.Contains("已签收", cut.Find("[data-testid=alert-row]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnclaimedAlert_ShowsNoHandler()
    {
        var cut = Render<AlertFeed>(p => p.Add(c => c.Alerts, [Row(null)]).Add(c => c.Now, Time.GetUtcNow()));

        Assert.Empty(cut.FindAll("[data-testid=handler]"));
    }
}
