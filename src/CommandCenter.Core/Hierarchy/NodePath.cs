namespace CommandCenter.Core.Hierarchy;

/// <summary>Where something sits in the hierarchy: the codes of its town, community and grid (any may be absent above grid level).</summary>
public sealed record NodePath(string CityCode, string? TownCode, string? CommunityCode, string? GridCode)
{
    /// <summary>Every node code on the path, top down: the scopes a change is visible in.</summary>
    public IEnumerable<string> Codes()
    {
        yield return CityCode;
        if (TownCode is not null) yield return TownCode;
        if (CommunityCode is not null) yield return CommunityCode;
        if (GridCode is not null) yield return GridCode;
    }
}
