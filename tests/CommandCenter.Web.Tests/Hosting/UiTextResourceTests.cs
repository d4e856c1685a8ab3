using static CommandCenter.Web.Tests.Hosting.ResourceTexts;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>Every UI text exists in both cultures, so an English page never falls back to Chinese mid-sentence.</summary>
public sealed class UiTextResourceTests
{
    [Theory]
    [InlineData("UiText")]
    [InlineData("AdminText")]
    [InlineData("SetupText")]
    public void ChineseAndEnglish_HaveTheSameKeys_AndNoEmptyText(string resource)
    {
        var chinese = Read(resource, Chinese);
        var english = Read(resource, English);

        Assert.NotEmpty(chinese);
        Assert.Empty(chinese.Keys.Except(english.Keys).Order());
        Assert.Empty(english.Keys.Except(chinese.Keys).Order());
        Assert.Empty(chinese.Concat(english).Where(t => string.IsNullOrWhiteSpace(t.Value)).Select(t => t.Key));
    }

    [Theory]
    [InlineData("UiText")]
    [InlineData("AdminText")]
    [InlineData("SetupText")]
    public void FormatTexts_TakeTheSameArguments_InBothCultures(string resource)
    {
        var chinese = Read(resource, Chinese);
        var english = Read(resource, English);

        var mismatched = chinese.Keys.Where(key => Placeholders(chinese[key]) != Placeholders(english[key])).Order().ToList();

        Assert.Empty(mismatched);
    }

    [Fact]
    public void EveryKindOfMapProblem_HasALabel_InBothCultures()
    {
        var chinese = Read("UiText", Chinese);
        var english = Read("UiText", English);

        var missing = Enum.GetNames<Core.Hierarchy.DivisionProblemKind>()
            .Select(kind => $"DivisionProblem_{kind}")
            .Where(key => !chinese.ContainsKey(key) || !english.ContainsKey(key))
            .ToList();

        Assert.Empty(missing);
    }
}
