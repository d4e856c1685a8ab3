using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Import;

namespace CommandCenter.Testing;

/// <summary>
/// City maps in GeoJSON: the demo city's (seeds/city.geojson) and the fixtures under Fixtures/, written by
/// seeds/tools/generate_import_fixtures.py (江洲市 and its re-divided and broken versions).
/// </summary>
public static class CityMaps
{
    public const string RiverCity = "river-city.geojson";
    public const string RiverCityV2 = "river-city-v2.geojson";
    public const string BrokenCity = "broken-city.geojson";

    public static string DemoCityPath => Path.Combine(DemoCity.SeedDir, "city.geojson");

    public static string PathOf(string fixture) => Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture);

    public static async Task<CityReadResult> ReadAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return await GeoJsonCityReader.ReadAsync(stream);
    }

    public static async Task<CityImportCheck> CheckAsync(string path, CityImportOptions? options = null)
    {
        await using var stream = File.OpenRead(path);
        return await CityImport.CheckAsync(stream, options ?? new CityImportOptions());
    }
}
