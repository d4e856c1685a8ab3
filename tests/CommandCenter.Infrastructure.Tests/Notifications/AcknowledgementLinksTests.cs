using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary><see cref="AcknowledgementLinks"/>: a link names a stored token bound to its recipient and alert; an altered one opens nothing.</summary>
public sealed class AcknowledgementLinksTests
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Notifications:PublicBaseUrl"] = "https://cc.example.gov.cn/" };

    [Fact]
    public async Task Issue_StoresTokenForRecipientAndAlert_AndTheLinkOpensToIt()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path, settings: Settings);
        var links = host.Get<AcknowledgementLinks>();
        var alertId = Guid.NewGuid();
        var recipient = new NotificationRecipient("张伟", "13800000001", null, IsLeader: false);

        Uri link;
        await using (var db = host.NewDbContext())
        {
            link = links.Issue(db, alertId, recipient, "330188001");
            await db.SaveChangesAsync();
        }

        Assert.StartsWith("https://cc.example.gov.cn/m/ack/", link.AbsoluteUri, StringComparison.Ordinal);
        var sealedToken = Uri.UnescapeDataString(link.Segments[^1]);
        var id = links.Open(sealedToken);
        await using var check = host.NewDbContext();
        var token = await check.AcknowledgementTokens.SingleAsync();
        Assert.Equal(token.Id, id);
        Assert.Equal((alertId, "13800000001", "330188001", StoreHost.Start.AddHours(2)), (token.AlertId, token.RecipientKey, token.NodeCode, token.ExpiresAt));
        Assert.Null(links.Open(sealedToken[..^2] + (sealedToken[^2] == 'A' ? "BB" : "AA")));
        Assert.Null(links.Open("not-a-token"));
    }
}
