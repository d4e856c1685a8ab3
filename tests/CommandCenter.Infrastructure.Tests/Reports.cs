using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests;

/// <summary>Who acts in the tests: an outside system that sends reports, and a person at a console.</summary>
internal static class Actors
{
    public static readonly Actor Hotline = Actor.System("api:hotline");

    public static readonly Actor Dispatcher = new("王调度", "city-duty-desk");
}

/// <summary>Alert reports for tests: only what a test varies is spelled out at the call site.</summary>
internal static class Reports
{
    /// <summary>A theft (0101) in a grid, given by grid code, occurring at the store's "now".</summary>
    public static NewAlertReport InGrid(
        string gridCode,
        string externalId = "ext-1",
        string categoryCode = "0101",
        Severity severity = Severity.General,
        AlertSource source = AlertSource.Hotline,
        DateTimeOffset? occurredAt = null) =>
        new(source, externalId, categoryCode, severity, gridCode, null, occurredAt ?? StoreHost.Start, "电动车被盗");

    /// <summary>A report placed only by a point, as the public app sends it.</summary>
    public static NewAlertReport AtPoint(GeoPoint location, string externalId = "ext-1") =>
        new(AlertSource.Public, externalId, "0101", Severity.General, null, location, StoreHost.Start, "电动车被盗");
}
