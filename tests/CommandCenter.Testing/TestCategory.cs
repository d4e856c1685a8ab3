namespace CommandCenter.Testing;

/// <summary>
/// The trait that marks tests starting a program outside the test process (Chromium, influxd, PostgreSQL, Redis), so
/// a quick run can leave them out: <c>dotnet test --filter
/// "Category!=Browser&amp;Category!=InfluxDB&amp;Category!=PostgreSQL&amp;Category!=Redis"</c>. Named apart from the
/// alert categories; use as <c>[Trait(TestCategory.Name, TestCategory.Browser)]</c>.
/// </summary>
public static class TestCategory
{
    public const string Name = "Category";

    /// <summary>Starts a real Chromium through Playwright.</summary>
    public const string Browser = "Browser";

    /// <summary>Starts a real InfluxDB server (influxd).</summary>
    public const string InfluxDB = "InfluxDB";

    /// <summary>Starts a real PostgreSQL cluster (initdb, pg_ctl).</summary>
    public const string PostgreSQL = "PostgreSQL";

    /// <summary>Starts a real Redis (redis-server).</summary>
    public const string Redis = "Redis";
}
