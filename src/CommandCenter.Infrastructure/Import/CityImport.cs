using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Infrastructure.Import;

/// <summary>A city's map as read from its file, and everything found wrong with it.</summary>
public sealed record CityImportCheck(IReadOnlyList<AdminNode> Nodes, DivisionReport Report);

/// <summary>Reads a city's GeoJSON and checks it as a division, without touching the store.</summary>
public static class CityImport
{
    /// <summary>
    /// The reader's problems come first, as errors. When nothing could be read at all (not JSON, not a
    /// FeatureCollection) the division is not checked: "no city" would only repeat that.
    /// </summary>
    public static async Task<CityImportCheck> CheckAsync(Stream geoJson, CityImportOptions options, CancellationToken ct = default)
    {
        var read = await GeoJsonCityReader.ReadAsync(geoJson, ct);
        if (read.Nodes.Count == 0)
        {
            return new CityImportCheck(read.Nodes, DivisionReport.Of(read.Problems));
        }

        var report = DivisionValidator.Validate(read.Nodes, options);
        return new CityImportCheck(read.Nodes, new DivisionReport([.. read.Problems, .. report.Errors], report.Warnings));
    }
}
