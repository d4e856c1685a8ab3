using CommandCenter.Core.Alerts;

namespace CommandCenter.Core.Tests.Alerts;

public class AlertWorkflowTests
{
    /// <summary>The allowed moves, written out here as the specification the workflow must match.</summary>
    private static readonly (AlertState From, AlertState To)[] _allowed =
    [
        (AlertState.Reported, AlertState.Acknowledged),
        (AlertState.Reported, AlertState.Voided),
        (AlertState.Acknowledged, AlertState.Reported),
        (AlertState.Acknowledged, AlertState.Dispatched),
        (AlertState.Acknowledged, AlertState.Handling),
        (AlertState.Acknowledged, AlertState.Voided),
        (AlertState.Dispatched, AlertState.Handling),
        (AlertState.Dispatched, AlertState.Acknowledged),
        (AlertState.Handling, AlertState.Resolved),
        (AlertState.Resolved, AlertState.Closed),
        (AlertState.Resolved, AlertState.Rework),
        (AlertState.Rework, AlertState.Handling),
        (AlertState.Rework, AlertState.Resolved),
    ];

    public static TheoryData<AlertState, AlertState> AllowedMoves() => Moves(_allowed);

    public static TheoryData<AlertState, AlertState> AllPairs() =>
        Moves(Enum.GetValues<AlertState>().SelectMany(from => Enum.GetValues<AlertState>(), (from, to) => (from, to)));

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public void EnsureCanMove_AllowedMove_DoesNotThrow(AlertState from, AlertState to)
    {
        var ex = Record.Exception(() => AlertWorkflow.EnsureCanMove(from, to));

        Assert.Null(ex);
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanMove_AnyPair_MatchesTheSpecification(AlertState from, AlertState to)
    {
        var canMove = AlertWorkflow.CanMove(from, to);

        Assert.Equal(_allowed.Contains((from, to)), canMove);
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanMove_AnyPair_AgreesWithNextStates(AlertState from, AlertState to)
    {
        var canMove = AlertWorkflow.CanMove(from, to);

        Assert.Equal(AlertWorkflow.NextStates(from).Contains(to), canMove);
    }

    [Theory]
    [InlineData(AlertState.Reported, AlertState.Closed)]
    [InlineData(AlertState.Reported, AlertState.Handling)]
    [InlineData(AlertState.Handling, AlertState.Closed)]
    [InlineData(AlertState.Closed, AlertState.Reported)]
    [InlineData(AlertState.Voided, AlertState.Acknowledged)]
    public void EnsureCanMove_IllegalMove_ThrowsNamingBothStates(AlertState from, AlertState to)
    {
        var ex = Assert.Throws<DomainRuleException>(() => AlertWorkflow.EnsureCanMove(from, to));

        Assert.Contains(from.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains(to.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureCanMove_IllegalMoveFromOpenState_ListsWhereItCanGo()
    {
        var ex = Assert.Throws<DomainRuleException>(() => AlertWorkflow.EnsureCanMove(AlertState.Resolved, AlertState.Voided));

        Assert.Contains("Closed, Rework", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AlertState.Closed)]
    [InlineData(AlertState.Voided)]
    public void NextStates_FinalState_IsEmpty(AlertState state)
    {
        Assert.Empty(AlertWorkflow.NextStates(state));
    }

    [Theory]
    [InlineData(AlertState.Reported, true)]
    [InlineData(AlertState.Acknowledged, true)]
    [InlineData(AlertState.Dispatched, true)]
    [InlineData(AlertState.Handling, true)]
    [InlineData(AlertState.Resolved, true)]
    [InlineData(AlertState.Rework, true)]
    [InlineData(AlertState.Closed, false)]
    [InlineData(AlertState.Voided, false)]
    public void IsOpen_EachState_IsFalseOnlyForFinalStates(AlertState state, bool expected)
    {
        Assert.Equal(expected, AlertWorkflow.IsOpen(state));
    }

    private static TheoryData<AlertState, AlertState> Moves(IEnumerable<(AlertState From, AlertState To)> moves)
    {
        var data = new TheoryData<AlertState, AlertState>();
        foreach (var (from, to) in moves)
        {
            data.Add(from, to);
        }

        return data;
    }
}
