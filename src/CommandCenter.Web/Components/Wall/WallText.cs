using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Wall;

/// <summary>Wall wording that is computed, not just looked up: ages and enum names.</summary>
public static class WallText
{
    /// <summary>The centre's name: the imported city's ("明湖市城市运行指挥中心"), or the generic one before any import.</summary>
    public static string CenterName(this IStringLocalizer<UiText> t, Infrastructure.ReferenceData reference) =>
        t["CenterName", reference.HasCity ? reference.Map.City.Name : ""].Value.Trim();

    public static string Age(this IStringLocalizer<UiText> t, TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalMinutes < 1 ? t["Age_Seconds", (int)age.TotalSeconds]
            : age.TotalHours < 1 ? t["Age_Minutes", (int)age.TotalMinutes, age.Seconds]
            : t["Age_Hours", (int)age.TotalHours, age.Minutes];
    }

    /// <summary>The localised name of an enum value, from the key "{Type}_{Value}" (e.g. Severity_Major).</summary>
    public static string Name<TEnum>(this IStringLocalizer<UiText> t, TEnum value, string? prefix = null) where TEnum : struct, Enum =>
        t[$"{prefix ?? typeof(TEnum).Name}_{value}"];
}
