using CommandCenter.Infrastructure.Notifications.Delivery;

namespace CommandCenter.Infrastructure.Tests.Notifications;

/// <summary>Cutting a message to a channel's limit: whole items in order, and the rest counted in a line that always fits.</summary>
public sealed class NotificationContentTests
{
    // 20 characters each; the count of what is left out ("……另有 n 条，详见指挥中心") is 15.
    private static readonly string[] Blocks = [new('a', 20), new('b', 20), new('c', 20)];

    [Fact]
    public void Fit_EverythingFits_ListsEveryBlockAndNoCount() =>
        Assert.Equal(($"T\n{Blocks[0]}\n{Blocks[1]}\n{Blocks[2]}", 3), NotificationContent.Fit("T", Blocks, limit: 64, size: s => s.Length));

    [Theory]
    [InlineData(63, 2)] // all three would be 64
    [InlineData(58, 1)] // two and the count would be 59
    public void Fit_TooLong_KeepsTheFirstBlocksThatLeaveRoomForTheCount(int limit, int kept)
    {
        var (text, count) = NotificationContent.Fit("T", Blocks, limit, s => s.Length);

        Assert.Equal(string.Join('\n', ["T", .. Blocks.Take(kept), $"……另有 {3 - kept} 条，详见指挥中心"]), text);
        Assert.Equal(kept, count);
        Assert.InRange(text.Length, 0, limit);
    }

    [Fact]
    public void Fit_NotEvenOneBlockFits_TheFirstGoesShortenedWithItsLinksWhole()
    {
        var (text, kept) = NotificationContent.Fit("T", ["item one\nlink-1", "item two\nlink-2"], limit: 30, size: s => s.Length);

        // 30 = "T" + "\n" + "item…" + "\n" + "link-1" + "\n" + "……另有 1 条，详见指挥中心"
        Assert.Equal(("T\nitem…\nlink-1\n……另有 1 条，详见指挥中心", 1), (text, kept));
        Assert.Equal(30, text.Length);
    }

    [Fact]
    public void Fit_OneBlockTooLong_IsShortenedWithNoCount() =>
        Assert.Equal(("T\nabcd…", 1), NotificationContent.Fit("T", ["abcdefghij"], limit: 7, size: s => s.Length));

    [Fact]
    public void Fit_MeasuredInUtf8Bytes_CountsChineseAsThreeBytesEach()
    {
        var (text, kept) = NotificationContent.Fit("标题", ["一二三", "四五六"], limit: 6 + 1 + 9 + 1 + 9, NotificationContent.Utf8Bytes);

        Assert.Equal(("标题\n一二三\n四五六", 2), (text, kept));
        Assert.Equal(26, NotificationContent.Utf8Bytes(text));
    }
}
