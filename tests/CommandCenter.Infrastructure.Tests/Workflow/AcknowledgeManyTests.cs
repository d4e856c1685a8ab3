using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>
/// <see cref="AlertWorkflowService.AcknowledgeManyAsync"/>, the storm button: each alert succeeds or fails on its
/// own. The selection mixes an open alert in the operator's town, one a colleague already holds, one in another
/// town, a voided one and an id that does not exist.
/// </summary>
public sealed class AcknowledgeManyTests
{
    [Fact]
    public async Task AcknowledgeManyAsync_MixedSelection_ReturnsOneOutcomePerIdInOrder()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var selection = await MixedSelectionAsync(host);

        var outcomes = await host.Get<AlertWorkflowService>().AcknowledgeManyAsync(selection.All, Staff.TownStaff, "批量签收");

        Assert.Equal(selection.All, outcomes.Select(o => o.AlertId));
        Assert.Equal([true, false, false, false, false], outcomes.Select(o => o.Done));
    }

    [Fact]
    public async Task AcknowledgeManyAsync_MixedSelection_SaysWhyEachOneFailed()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var selection = await MixedSelectionAsync(host);

        var outcomes = await host.Get<AlertWorkflowService>().AcknowledgeManyAsync(selection.All, Staff.TownStaff, "批量签收");

        var reasons = outcomes.ToDictionary(o => o.AlertId, o => o.Reason);
        Assert.Null(reasons[selection.Open]);
        Assert.StartsWith("Already acknowledged by 刘洋", reasons[selection.Held], StringComparison.Ordinal);
        Assert.Contains("outside your jurisdiction", reasons[selection.ElsewhereInTheCity], StringComparison.Ordinal);
        Assert.Contains("Voided", reasons[selection.Voided], StringComparison.Ordinal);
        Assert.Equal("not found", reasons[selection.Unknown]);
    }

    [Fact]
    public async Task AcknowledgeManyAsync_MixedSelection_AcknowledgesOnlyTheOpenAlertInJurisdiction()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var selection = await MixedSelectionAsync(host);

        await host.Get<AlertWorkflowService>().AcknowledgeManyAsync(selection.All, Staff.TownStaff, "批量签收");

        await using var db = host.NewDbContext();
        var holders = await db.Alerts.ToDictionaryAsync(a => a.Id, a => (a.State, a.HandlerName));
        Assert.Equal((AlertState.Acknowledged, "陈静"), holders[selection.Open]);
        Assert.Equal((AlertState.Acknowledged, "刘洋"), holders[selection.Held]);
        Assert.Equal((AlertState.Reported, (string?)null), holders[selection.ElsewhereInTheCity]);
        Assert.Equal(AlertState.Voided, holders[selection.Voided].State);
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.Acknowledge && e.Actor == "陈静"));
    }

    [Fact]
    public async Task AcknowledgeManyAsync_SameIdTwice_AcknowledgesItOnceWithOneOutcome()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await host.RaiseAsync();

        var outcomes = await host.Get<AlertWorkflowService>().AcknowledgeManyAsync([alertId, alertId], Staff.TownStaff, comment: null);

        Assert.Equal(new BulkOutcome(alertId, true, null), Assert.Single(outcomes));
    }

    private static async Task<Selection> MixedSelectionAsync(StoreHost host)
    {
        var open = await host.RaiseAsync(DemoCity.GridCode(0, 1, 1), "open");
        var held = await host.RaiseAsync(DemoCity.GridCode(0, 1, 2), "held");
        await host.ApplyAsync(held, AlertAction.Acknowledge, Staff.TownColleague);
        var elsewhere = await host.RaiseAsync(DemoCity.GridCode(1, 0, 1), "elsewhere");
        var voided = await host.RaiseAsync(DemoCity.GridCode(0, 1, 3), "voided");
        await host.ApplyAsync(voided, AlertAction.Void, Staff.CityDutyOfficer, "重复上报");
        return new Selection(open, held, elsewhere, voided, Guid.NewGuid());
    }

    private sealed record Selection(Guid Open, Guid Held, Guid ElsewhereInTheCity, Guid Voided, Guid Unknown)
    {
        public Guid[] All => [Open, Held, ElsewhereInTheCity, Voided, Unknown];
    }
}
