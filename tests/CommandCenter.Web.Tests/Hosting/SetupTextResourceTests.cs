using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Policies;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>The setup pages name every value they show, in both cultures.</summary>
public sealed class SetupTextResourceTests
{
    [Fact]
    public void MemberRolesAndDeadlineStages_AreNamedInBothCultures()
    {
        var names = Enum.GetValues<MemberRole>().Select(r => $"{nameof(MemberRole)}_{r}")
            .Concat(Enum.GetValues<DeadlineStage>().Select(s => $"{nameof(DeadlineStage)}_{s}"));

        foreach (var culture in new[] { ResourceTexts.Chinese, ResourceTexts.English })
        {
            var texts = ResourceTexts.Read("SetupText", culture);
            Assert.All(names, name => Assert.True(texts.ContainsKey(name), $"No {culture.Name} text for {name}."));
        }
    }
}
