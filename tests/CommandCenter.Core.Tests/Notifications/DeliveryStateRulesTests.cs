using CommandCenter.Core.Notifications;

namespace CommandCenter.Core.Tests.Notifications;

public sealed class DeliveryStateRulesTests
{
    [Theory]
    [InlineData(DeliveryState.Pending, DeliveryState.Pending)]
    [InlineData(DeliveryState.Pending, DeliveryState.Delivered)]
    [InlineData(DeliveryState.Pending, DeliveryState.GaveUp)]
    [InlineData(DeliveryState.GaveUp, DeliveryState.Pending)]
    public void Allowed_Moves(DeliveryState from, DeliveryState to) => DeliveryStateRules.EnsureCanMove(from, to);

    [Theory]
    [InlineData(DeliveryState.Delivered, DeliveryState.Pending)]
    [InlineData(DeliveryState.Delivered, DeliveryState.GaveUp)]
    [InlineData(DeliveryState.GaveUp, DeliveryState.Delivered)]
    public void Refused_Moves_SayWhy(DeliveryState from, DeliveryState to)
    {
        var refused = Assert.Throws<DomainRuleException>(() => DeliveryStateRules.EnsureCanMove(from, to));

        Assert.Contains(from.ToString(), refused.Message, StringComparison.Ordinal);
        Assert.Contains(to.ToString(), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Delivered_IsFinal() =>
        Assert.All(Enum.GetValues<DeliveryState>(), to => Assert.False(DeliveryStateRules.CanMove(DeliveryState.Delivered, to)));
}
