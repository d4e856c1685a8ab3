using System.Collections;
using System.Globalization;
using System.Resources;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>Every UI text exists in both cultures, so an English page never falls back to Chinese mid-sentence.</summary>
public sealed class UiTextResourceTests
{
    private static readonly ResourceManager Texts = new("CommandCenter.Web.Resources.UiText", typeof(UiText).Assembly);

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
    public void EveryKindOfMapProblem_HasALabel_InBothCultures()
    {
        var chinese = Read(CultureInfo.InvariantCulture);
        var english = Read(CultureInfo.GetCultureInfo("en"));

        var missing = Enum.GetNames<Core.Hierarchy.DivisionProblemKind>()
            .Select(kind => $"DivisionProblem_{kind}")
            .Where(key => !chinese.ContainsKey(key) || !english.ContainsKey(key))
            .ToList();

        Assert.Empty(missing);
    }

    private static Dictionary<string, string> Read(CultureInfo culture)
    {
        var set = Texts.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"No UI texts for '{culture.Name}'.");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    private static string Placeholders(string text) =>
        string.Join(",", System.Text.RegularExpressions.Regex.Matches(text, @"\{(\d+)[^}]*\}").Select(m => m.Groups[1].Value).Distinct().Order());
}
