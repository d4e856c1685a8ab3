using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>
/// Random sequences of workflow actions by random operators (every role, several people, inside and outside the
/// alert's jurisdiction) against the real service and store. Whatever the sequence: each accepted action is a move of
/// the rule table (<see cref="AlertActions"/>) by a role the table allows, leaves exactly one audit entry recording
/// that move, and raises the alert's version by one; each refused action changes nothing stored.
/// </summary>
public sealed class WorkflowPropertyTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private StoreHost _host = null!;
    private int _case;

    public async Task InitializeAsync() => _host = await StoreHost.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Property(MaxTest = 60, Arbitrary = [typeof(WorkflowSteps)])]
    public async Task AnySequenceOfActions_MovesOnlyAsTheRuleTableSays_OneAuditEntryAndOneVersionPerAcceptedAction(Step[] steps)
    {
        // Each case raises its own alert, an hour after the last one, so no report merges into an earlier case's alert.
        _host.Time.Advance(TimeSpan.FromHours(1));
        var alertId = await _host.RaiseAsync(externalId: $"prop-{Interlocked.Increment(ref _case)}");
        var before = await ReadAsync(alertId);

        foreach (var step in steps)
        {
            bool accepted;
            try
            {
                accepted = await _host.ApplyAsync(alertId, step.Action, step.By, step.Comment) is not null;
            }
            catch (Exception refusal) when (refusal is WorkflowDeniedException or DomainRuleException or AlertConflictException)
            {
                accepted = false;
            }

            var after = await ReadAsync(alertId);
            if (accepted)
            {
                Assert.Contains(before.State, AlertActions.From(step.Action));
                Assert.Equal(AlertActions.Target(step.Action), after.State);
                Assert.Contains(step.By.Role, Enum.GetValues<Role>().Where(role => AlertActions.Available(before.State, role).Contains(step.Action)));
                Assert.Equal(before.Version + 1, after.Version);
                var entry = Assert.Single(after.Trail.Skip(before.Trail.Count));
                Assert.Equal((before.State.ToString(), after.State.ToString(), step.By.DisplayName), (entry.FromState, entry.ToState, entry.Actor));
            }
            else
            {
                Assert.Equal((before.State, before.Version, before.Trail.Count), (after.State, after.Version, after.Trail.Count));
            }

            before = after;
        }
    }

    private async Task<Snapshot> ReadAsync(Guid alertId)
    {
        await using var db = _host.NewDbContext();
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alertId);
        var id = alertId.ToString();
        var trail = await db.AuditEntries.AsNoTracking().Where(e => e.Subject == AuditSubject.Alert && e.SubjectId == id).OrderBy(e => e.Id).ToListAsync();
        return new Snapshot(alert.State, alert.Version, trail);
    }

    private sealed record Snapshot(AlertState State, long Version, IReadOnlyList<AuditEntry> Trail);

    public sealed record Step(AlertAction Action, Operator By, string? Comment)
    {
        public override string ToString() => $"{Action} by {By.DisplayName} ({By.Role} of {By.NodeCode})";
    }

    /// <summary>Steps of up to 12 actions, by operators drawn from every role, three people and four places.</summary>
    public static class WorkflowSteps
    {
        public static Arbitrary<Step[]> Steps()
        {
            var people = Gen.Elements(("u-a", "陈静"), ("u-b", "刘洋"), ("u-c", "王值班"));
            var nodes = Gen.Elements(Staff.CityCode, Staff.TownCode, Staff.CommunityCode, Staff.OtherTownCode);
            var operators =
                from person in people
                from role in Gen.Elements(Enum.GetValues<Role>())
                from node in nodes
                select new Operator(person.Item1, person.Item2, role, node);
            var step =
                from action in Gen.Elements(Enum.GetValues<AlertAction>())
                from actor in operators
                from comment in Gen.Elements<string?>(null, "现场核实", "")
                select new Step(action, actor, comment);
            return Gen.Choose(1, 12).SelectMany(length => step.ArrayOf(length)).ToArbitrary();
        }
    }
}
