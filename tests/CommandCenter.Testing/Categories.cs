namespace CommandCenter.Testing;

/// <summary>
/// The trait that marks tests starting a program outside the test process (Chromium, influxd), so a quick run can
/// leave them out: <c>dotnet test --filter "Category!=Browser&amp;Category!=InfluxDB"</c>.
/// Use as <c>[Trait(Categories.Name, Categories.Browser)]</c>.
/// </summary>
public static class Categories
{
    public const string Name = "Category";

    /// <summary>Starts a real Chromium through Playwright.</summary>
    public const string Browser = "Browser";

    /// <summary>Starts a real InfluxDB server (influxd).</summary>
    public const string InfluxDB = "InfluxDB";
}
