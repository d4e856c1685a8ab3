using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>
/// People acknowledging the same alert at the same moment: exactly one wins, every other is told who holds it and
/// since when, and only the winner's step is audited and announced. Each scenario runs several rounds, each on a
/// fresh alert in its own grid, to make a race likely.
/// </summary>
public sealed class AcknowledgeRaceTests
{
    private const int Rounds = 10;

    [Fact]
    public async Task ApplyAsync_TwoOperatorsAcknowledgeAtOnce_ExactlyOneWinsAndTheOtherIsToldWhoAndSinceWhen()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var service = host.Get<AlertWorkflowService>();

        await RaceAsync(host, feed, [service, service], [Staff.TownStaff, Staff.TownColleague]);
    }

    [Fact]
    public async Task ApplyAsync_TwoOperatorsOnTwoServiceInstancesAtOnce_ExactlyOneWins()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        AlertWorkflowService[] services =
        [
            ActivatorUtilities.CreateInstance<AlertWorkflowService>(host.Services),
            ActivatorUtilities.CreateInstance<AlertWorkflowService>(host.Services),
        ];

        await RaceAsync(host, feed, services, [Staff.TownStaff, Staff.TownColleague]);
    }

    [Fact]
    public async Task ApplyAsync_TwoOperatorsOnTwoServersSharingTheStoreAtOnce_ExactlyOneWins()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var first = await StoreHost.StartAsync(dir.Path, feed: feed);
        await using var second = await StoreHost.StartAsync(dir.Path, first.Time, feed);

        await RaceAsync(first, feed, [first.Get<AlertWorkflowService>(), second.Get<AlertWorkflowService>()], [Staff.TownStaff, Staff.TownColleague]);
    }

    [Fact]
    public async Task ApplyAsync_SixOperatorsAcknowledgeAtOnce_ExactlyOneWins()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var services = Enumerable.Range(0, 2).Select(_ => ActivatorUtilities.CreateInstance<AlertWorkflowService>(host.Services)).ToArray();
        var operators = Enumerable.Range(1, 6).Select(i => new Operator($"u-{i}", $"值班员{i}", Role.Staff, Staff.TownCode)).ToArray();

        await RaceAsync(host, feed, [.. operators.Select((_, i) => services[i % services.Length])], operators);
    }

    /// <summary>
    /// For each round: a fresh alert, then <c>operators[i]</c> acknowledges it through <c>services[i]</c>, all at once.
    /// Any exception other than <see cref="AlertConflictException"/> fails the test.
    /// </summary>
    private static async Task RaceAsync(StoreHost host, RecordingFeed feed, AlertWorkflowService[] services, Operator[] operators)
    {
        foreach (var round in Enumerable.Range(1, Rounds))
        {
            var alertId = await host.RaiseAsync(DemoCity.GridCode(0, (round - 1) / 10, ((round - 1) % 10) + 1), $"race-{round}");

            var conflicts = await AtOnce.RunAsync(operators.Length, i => TryAcknowledgeAsync(services[i], alertId, operators[i]));

            var winner = operators[Array.IndexOf(conflicts, Assert.Single(conflicts, c => c is null))];
            var since = host.Now();
            Assert.All(conflicts.OfType<AlertConflictException>(), conflict =>
            {
                Assert.Equal((winner.DisplayName, (DateTimeOffset?)since), (conflict.Holder, conflict.Since));
                Assert.Contains($"{winner.DisplayName} at {since:yyyy-MM-dd HH:mm:ss}", conflict.Message, StringComparison.Ordinal);
            });
            await using var db = host.NewDbContext();
            Assert.Equal(winner.UserId, (await db.Alerts.SingleAsync(a => a.Id == alertId)).HandlerId);
            Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.SubjectId == alertId.ToString() && e.Action == AuditAction.Acknowledge));
            Assert.Single(feed.Published.OfType<AlertChanged>(), m => m.AlertId == alertId && m.Change == AlertChange.StateChanged);
        }
    }

    /// <summary>Null when this call won; the conflict it was told about when it lost.</summary>
    private static async Task<AlertConflictException?> TryAcknowledgeAsync(AlertWorkflowService service, Guid alertId, Operator by)
    {
        try
        {
            await service.ApplyAsync(alertId, AlertAction.Acknowledge, by, comment: null);
            return null;
        }
        catch (AlertConflictException conflict)
        {
            return conflict;
        }
    }
}
