using System.Collections.Frozen;
using System.Globalization;
using System.Resources;
using CommandCenter.Core.Access;

namespace CommandCenter.Web.Access;

/// <summary>
/// Roles as people write them: the enum's name, or the name the UI shows in Chinese or English. A spreadsheet filled
/// in by a Chinese town office says 处置员, not Staff; both must import.
/// </summary>
public static class RoleNames
{
    /// <summary>Most senior first: a person holding several roles acts in the first of them.</summary>
    public static readonly IReadOnlyList<Role> BySeniority = [Role.Admin, Role.Leader, Role.DutyOfficer, Role.Staff, Role.Wall];

    private static readonly FrozenDictionary<string, Role> Known = BuildKnown();

    /// <summary>The role's resource key in AdminText (Role_Admin, …).</summary>
    public static string Key(Role role) => $"Role_{role}";

    /// <summary>The role named by <paramref name="text"/> in any accepted spelling, or null.</summary>
    public static Role? Parse(string? text) =>
        text is null ? null : Known.TryGetValue(text.Trim(), out var role) ? role : null;

    /// <summary>Every accepted name except the enum's own (which <c>FieldErrors.Enum</c> already reads).</summary>
    public static IReadOnlyDictionary<string, Role> Aliases => Known;

    /// <summary>The names a person may write, for a message listing them: "管理员 (Admin), 领导 (Leader), …".</summary>
    public static string Accepted() =>
        string.Join("、", BySeniority.Select(r => $"{AdminTexts.Neutral(Key(r))} ({r})"));

    /// <summary>The most senior role among Identity role names; null when none is a known role.</summary>
    public static Role? MostSenior(IEnumerable<string?> names)
    {
        var held = names.OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var role in BySeniority)
        {
            if (held.Contains(role.ToString()))
            {
                return role;
            }
        }

        return null;
    }

    private static FrozenDictionary<string, Role> BuildKnown()
    {
        var names = new Dictionary<string, Role>(StringComparer.OrdinalIgnoreCase);
        foreach (var role in BySeniority)
        {
            names[role.ToString()] = role;
            foreach (var culture in new[] { CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo("en") })
            {
                if (AdminTexts.Get(Key(role), culture) is { Length: > 0 } shown)
                {
                    names[shown] = role;
                }
            }
        }

        return names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>
/// AdminText read outside a request's culture. Audit comments are stored data, so they are written in the city's
/// language (the neutral resources, zh-CN) whatever language the acting admin's page shows.
/// </summary>
internal static class AdminTexts
{
    private static readonly ResourceManager Resources = new("CommandCenter.Web.Resources.AdminText", typeof(AdminText).Assembly);

    public static string Neutral(string key, params object?[] args) =>
        string.Format(CultureInfo.InvariantCulture, Resources.GetString(key, CultureInfo.InvariantCulture) ?? key, args);

    public static string? Get(string key, CultureInfo culture) => Resources.GetString(key, culture);
}
