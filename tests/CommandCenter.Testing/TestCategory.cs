namespace CommandCenter.Testing;

/// <summary>
/// The trait that marks tests starting a program outside the test process (Chromium, influxd), so a quick run can
/// leave them out: <c>dotnet test --filter "Category!=Browser&amp;Category!=InfluxDB"</c>. Named apart from the
/// alert categories; use as <c>[Trait(TestCategory.Name, TestCategory.Browser)]</c>.
/// </summary>
public static class TestCategory
{
    public const string Name = "Category";

    /// <summary>Starts a real Chromium through Playwright.</summary>
    public const string Browser = "Browser";

    /// <summary>Starts a real InfluxDB server (influxd).</summary>
    public const string InfluxDB = "InfluxDB";
}
