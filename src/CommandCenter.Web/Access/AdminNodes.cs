using CommandCenter.Core.Access;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;

namespace CommandCenter.Web.Access;

/// <summary>
/// The city map as administration reads it: the one place user administration touches <see cref="ReferenceData"/>.
/// The app may run before any city is imported, so every question here has an answer without a map (nothing is
/// known, nothing is inside) instead of the exception the map would throw.
/// </summary>
public sealed class AdminNodes(ReferenceData reference)
{
    public bool HasCity => reference.HasCity;

    public AdminNode? Find(string? code) => code is not null && reference.HasCity ? reference.Map.Find(code) : null;

    /// <summary>The city node's code, or null before a city is imported.</summary>
    public string? CityCode => reference.HasCity ? reference.Map.City.Code : null;

    public bool IsCity(string? code) => code is not null && code == CityCode;

    /// <summary>An Admin bound to the city node: API keys and the whole audit log are theirs alone.</summary>
    public bool IsCityAdmin(Operator? user) => user is { Role: Role.Admin } && IsCity(user.NodeCode);

    /// <summary>True when <paramref name="code"/> is <paramref name="ancestorCode"/> or lies in its subtree.</summary>
    public bool IsWithin(string code, string ancestorCode) => reference.HasCity && reference.Map.IsWithin(code, ancestorCode);

    /// <summary>The nodes of <paramref name="rootCode"/>'s subtree (the whole city for null), top-down by code.</summary>
    public IReadOnlyList<AdminNode> Subtree(string? rootCode)
    {
        if (!reference.HasCity)
        {
            return [];
        }

        var map = reference.Map;
        var root = rootCode is null ? map.City.Code : rootCode;
        return [.. map.Nodes.Where(n => map.IsWithin(n.Code, root)).OrderBy(n => n.Code, StringComparer.Ordinal)];
    }
}
