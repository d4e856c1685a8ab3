using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Wall;

/// <summary>Wall wording that is computed, not just looked up: ages and enum names.</summary>
public static class WallText
{
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
