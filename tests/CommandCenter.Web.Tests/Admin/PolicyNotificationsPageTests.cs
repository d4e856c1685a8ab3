using Bunit;
using CommandCenter.Core.Policies;
using CommandCenter.Infrastructure.Seeding;
using CommandCenter.Web.Components.Admin;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>
/// The policy page's notifications section on a real store with the seeded v1 (the default section): shown as the
/// version in force has it, edited, listed in the diff and saved into the new version; left alone, carried over.
/// </summary>
public sealed class PolicyNotificationsPageTests : AdminTestContext
{
    [Fact]
    public async Task Confirm_NotificationsEditedOnly_SavesThemIntoVersion2()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<PolicyAdmin>();
        Assert.Equal("10", page.Find("[data-testid=notify-remind-after]").GetAttribute("value"));

        page.Find("[data-testid=notify-raised]").Change(false);
        page.Find("[data-testid=notify-remind-after]").Change("5");
        await page.Find("[data-testid=policy-review]").ClickAsync(new());

        Assert.Contains("新告警 不通知", page.Find("[data-testid=diff-notifications]").TextContent, StringComparison.Ordinal);
        await page.Find("[data-testid=policy-confirm]").ClickAsync(new());

        var expected = NotificationPolicy.Default with { AlertRaised = false, RemindAfter = TimeSpan.FromMinutes(5) };
        Assert.Equal((2, expected), (Reference.CurrentPolicy.Version, Reference.CurrentPolicy.Notifications));
        await using var db = Store.NewDbContext();
        Assert.Equal(expected, SeedReader.PolicyFromDocument((await db.Policies.SingleAsync(p => p.Version == 2)).Document).Notifications);
    }

    [Fact]
    public async Task Confirm_DeadlineChangedOnly_ListsNoNotificationChangeAndCarriesTheSectionOver()
    {
        await UseAdminStoreAsync();
        var page = RenderPage<PolicyAdmin>();

        page.Find("input[data-cell='01|General|Acknowledge']").Change("20");
        await page.Find("[data-testid=policy-review]").ClickAsync(new());
        var listed = page.FindAll("[data-testid=diff-notifications]").Count;
        await page.Find("[data-testid=policy-confirm]").ClickAsync(new());

        Assert.Equal(0, listed);
        Assert.Equal((2, NotificationPolicy.Default), (Reference.CurrentPolicy.Version, Reference.CurrentPolicy.Notifications));
    }
}
