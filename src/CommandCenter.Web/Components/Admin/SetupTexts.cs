using System.Globalization;
using System.Resources;
using CommandCenter.Core;
using CommandCenter.Infrastructure.Administration;

namespace CommandCenter.Web.Components.Admin;

/// <summary>
/// Turns a <see cref="SetupProblem"/> into words: the page's in the reader's language, the API's in English, from the
/// same resources. Enum arguments become their names in that language, times the city's local time.
/// </summary>
public static class SetupTexts
{
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    private static readonly ResourceManager Setup = new("CommandCenter.Web.Resources.SetupText", typeof(SetupText).Assembly);
    private static readonly ResourceManager Ui = new("CommandCenter.Web.Resources.UiText", typeof(UiText).Assembly);

    /// <summary>The wall's resources name some enums by a shorter prefix.</summary>
    private static readonly Dictionary<string, string> UiPrefixes = new(StringComparer.Ordinal)
    {
        ["AlertState"] = "State",
        ["PetitionStage"] = "Stage",
        ["NodeLevel"] = "Level",
    };

    public static string Text(SetupProblem problem, CultureInfo culture)
    {
        var format = Setup.GetString(problem.Key, culture) ?? problem.Key;
        return string.Format(culture, format, [.. problem.Args.Select(arg => Argument(arg, culture))]);
    }

    /// <summary>The name of an enum value: the setup texts' "{Type}_{Value}", else the wall's, else the value itself.</summary>
    public static string Name(Enum value, CultureInfo culture)
    {
        var type = value.GetType().Name;
        return Setup.GetString($"{type}_{value}", culture)
            ?? Ui.GetString($"{UiPrefixes.GetValueOrDefault(type, type)}_{value}", culture)
            ?? value.ToString();
    }

    /// <summary>A time as the city reads it.</summary>
    public static string Time(DateTimeOffset at) => CityClock.Local(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static object Argument(object arg, CultureInfo culture) => arg switch
    {
        Enum value => Name(value, culture),
        DateTimeOffset at => Time(at),
        double number => number.ToString("0.######", CultureInfo.InvariantCulture),
        _ => arg,
    };
}
