using CommandCenter.Core.Alerts;

namespace CommandCenter.Core.Hierarchy;

/// <summary>An error stops a division from being used; a warning is worth a look but does not.</summary>
public enum ProblemSeverity
{
    Error,
    Warning,
}

/// <summary>What is wrong with a city's division (区划), from an unreadable file down to a gap between two grids.</summary>
public enum DivisionProblemKind
{
    /// <summary>The file is not JSON at all.</summary>
    MalformedJson,

    /// <summary>The JSON is not a GeoJSON FeatureCollection.</summary>
    NotAFeatureCollection,

    /// <summary>An entry of <c>features</c> is not a readable GeoJSON Feature.</summary>
    MalformedFeature,

    MissingProperty,

    /// <summary>A property has a value of the wrong type or one that is not allowed (an unknown level or kind).</summary>
    InvalidProperty,

    /// <summary>A boundary that is not a Polygon or a MultiPolygon.</summary>
    UnsupportedGeometry,

    /// <summary>A boundary that is unreadable, empty, self-crossing, not closed or not in lon/lat.</summary>
    InvalidGeometry,

    DuplicateCode,

    /// <summary>A code that breaks the unit-grid scheme: wrong length, not digits, or not starting with the parent's code.</summary>
    MalformedCode,

    UnknownParent,

    /// <summary>A parent one level up is required; a city has none.</summary>
    WrongLevelParent,

    /// <summary>A division has exactly one city.</summary>
    CityCount,

    OutsideParent,
    Overlap,
    Gap,
}

/// <summary>
/// One problem of a division, naming the node by its code, or by its place in the file (0-based) when it has no
/// readable code. Area problems carry the area in m² and a point in it.
/// </summary>
public sealed record DivisionProblem(ProblemSeverity Severity, DivisionProblemKind Kind, string? Code, string Message)
{
    /// <summary>Index of the feature in the file's <c>features</c> array, when the problem was found while reading it.</summary>
    public int? FeatureIndex { get; init; }

    /// <summary>The other node of an overlap, the parent a child sticks out of, or the child a gap lies next to.</summary>
    public string? OtherCode { get; init; }

    public double? SquareMetres { get; init; }

    public GeoPoint? Location { get; init; }

    /// <summary>What the problem is about, for a person: the code, else the feature's index, else the file.</summary>
    public string Subject => Code ?? (FeatureIndex is { } index ? $"feature #{index}" : "the file");
}

/// <summary>A division's problems, split by severity.</summary>
public sealed record DivisionReport(IReadOnlyList<DivisionProblem> Errors, IReadOnlyList<DivisionProblem> Warnings)
{
    public bool IsValid => Errors.Count == 0;

    public static DivisionReport Of(IEnumerable<DivisionProblem> problems)
    {
        var all = problems.ToList();
        return new DivisionReport(
            [.. all.Where(p => p.Severity == ProblemSeverity.Error)],
            [.. all.Where(p => p.Severity == ProblemSeverity.Warning)]);
    }
}

/// <summary>Settings under <c>Import</c> for checking a city's own map.</summary>
public sealed class CityImportOptions
{
    /// <summary>
    /// An overlap, gap or part outside the parent smaller than this many m² is a warning, not an error: surveyed
    /// boundaries drawn by different hands rarely meet to the centimetre.
    /// </summary>
    public double SliverSquareMetres { get; set; } = 1;
}
