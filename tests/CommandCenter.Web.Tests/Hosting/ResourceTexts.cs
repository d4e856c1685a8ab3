using System.Collections;
using System.Globalization;
using System.Resources;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>The app's resource files (UiText, AdminText, SetupText) read as key → text, per culture.</summary>
internal static class ResourceTexts
{
    public static readonly CultureInfo Chinese = CultureInfo.InvariantCulture;

    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public static Dictionary<string, string> Read(string resource, CultureInfo culture)
    {
        var set = new ResourceManager($"CommandCenter.Web.Resources.{resource}", typeof(UiText).Assembly).GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"No {resource} texts for '{culture.Name}'.");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    /// <summary>The numbered arguments a format text takes, e.g. "0,1".</summary>
    public static string Placeholders(string text) =>
        string.Join(",", System.Text.RegularExpressions.Regex.Matches(text, @"\{(\d+)[^}]*\}").Select(m => m.Groups[1].Value).Distinct().Order());
}
