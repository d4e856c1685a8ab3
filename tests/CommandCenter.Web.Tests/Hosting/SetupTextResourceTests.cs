using System.Collections;
using System.Globalization;
using System.Resources;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Policies;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>The setup pages' texts exist in both cultures with the same arguments, and name every value they show.</summary>
public sealed class SetupTextResourceTests
{
    private static readonly ResourceManager Texts = new("CommandCenter.Web.Resources.SetupText", typeof(SetupText).Assembly);

    [Fact]
    public void ChineseAndEnglish_HaveTheSameKeys_AndNoEmptyText()
    {
        var chinese = Read(CultureInfo.InvariantCulture);
        var english = Read(CultureInfo.GetCultureInfo("en"));

        Assert.NotEmpty(chinese);
        Assert.Empty(chinese.Keys.Except(english.Keys).Order());
        Assert.Empty(english.Keys.Except(chinese.Keys).Order());
        Assert.Empty(chinese.Concat(english).Where(t => string.IsNullOrWhiteSpace(t.Value)).Select(t => t.Key));
    }

    [Fact]
    public void FormatTexts_TakeTheSameArguments_InBothCultures()
    {
        var chinese = Read(CultureInfo.InvariantCulture);
        var english = Read(CultureInfo.GetCultureInfo("en"));

        var mismatched = chinese.Keys.Where(key => Placeholders(chinese[key]) != Placeholders(english[key])).Order().ToList();

        Assert.Empty(mismatched);
    }

    [Fact]
    public void MemberRolesAndDeadlineStages_AreNamedInBothCultures()
    {
        var names = Enum.GetValues<MemberRole>().Select(r => $"{nameof(MemberRole)}_{r}")
            .Concat(Enum.GetValues<DeadlineStage>().Select(s => $"{nameof(DeadlineStage)}_{s}"));

        foreach (var culture in new[] { CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo("en") })
        {
            var texts = Read(culture);
            Assert.All(names, name => Assert.True(texts.ContainsKey(name), $"No {culture.Name} text for {name}."));
        }
    }

    private static Dictionary<string, string> Read(CultureInfo culture)
    {
        var set = Texts.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"No setup texts for '{culture.Name}'.");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    private static string Placeholders(string text) =>
        string.Join(",", System.Text.RegularExpressions.Regex.Matches(text, @"\{(\d+)[^}]*\}").Select(m => m.Groups[1].Value).Distinct().Order());
}
