using System.Net;
using System.Text;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Api;

/// <summary>Every kind of bad report answers a problem naming the bad field, and stores nothing.</summary>
public sealed class AlertBadInputTests(SharedApp host) : IClassFixture<SharedApp>
{
    private static readonly Dictionary<string, (string Field, Func<Dictionary<string, object?>, Dictionary<string, object?>> Break)> Cases = new()
    {
        ["missing source"] = ("source", b => b.Without("source")),
        ["unknown source"] = ("source", b => b.With("source", "fax")),
        ["numeric source"] = ("source", b => b.With("source", "1")),
        ["missing externalId"] = ("externalId", b => b.Without("externalId")),
        ["blank externalId"] = ("externalId", b => b.With("externalId", "   ")),
        ["over-long externalId"] = ("externalId", b => b.With("externalId", new string('x', 101))),
        ["missing category"] = ("category", b => b.Without("category")),
        ["unknown category"] = ("category", b => b.With("category", "9999")),
        ["missing severity"] = ("severity", b => b.Without("severity")),
        ["unknown severity"] = ("severity", b => b.With("severity", "apocalyptic")),
        ["unknown grid"] = ("gridCode", b => b.With("gridCode", "330188009009009")),
        ["community code as grid"] = ("gridCode", b => b.With("gridCode", "330188001001")),
        ["neither grid nor location"] = ("gridCode", b => b.Without("gridCode")),
        ["blank gridCode without location"] = ("gridCode", b => b.With("gridCode", "   ")),
        ["point far from the named grid"] = ("location", b => b.With("location", FarPoint())),
        ["point outside the city"] = ("location", b => b.Without("gridCode").With("location", new { lat = 39.9, lon = 116.4 })),
        ["latitude out of range"] = ("location.lat", b => b.Without("gridCode").With("location", new { lat = 91.0, lon = 120.1 })),
        ["location without lon"] = ("location.lon", b => b.Without("gridCode").With("location", new { lat = 30.28 })),
        ["missing occurredAt"] = ("occurredAt", b => b.Without("occurredAt")),
        ["occurredAt not a time"] = ("occurredAt", b => b.With("occurredAt", "last tuesday")),
        ["occurredAt without offset"] = ("occurredAt", b => b.With("occurredAt", "2026-11-27T09:00:00")),
        ["occurredAt in the future"] = ("occurredAt", b => b.With("occurredAt", StoreHost.Start.AddMinutes(10).ToString("O"))),
        ["occurredAt over 30 days back"] = ("occurredAt", b => b.With("occurredAt", StoreHost.Start.AddDays(-31).ToString("O"))),
        ["missing title"] = ("title", b => b.Without("title")),
        ["over-long title"] = ("title", b => b.With("title", new string('标', 201))),
        ["over-long description"] = ("description", b => b.With("description", new string('述', 4001))),
        ["control characters in title"] = ("title", b => b.With("title", "bad\u0007title")),
        ["reporter without name"] = ("reporter.name", b => b.With("reporter", new { phone = "138" })),
        ["over-long reporter phone"] = ("reporter.phone", b => b.With("reporter", new { name = "李", phone = new string('1', 31) })),
        ["severity of the wrong JSON type"] = ("severity", b => b.With("severity", 3)),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Post_BadField_Returns400NamingItAndStoresNothing(string caseName)
    {
        var (field, breakIt) = Cases[caseName];
        var body = breakIt(AlertRequests.Valid($"bad-{caseName}"));

        var response = await host.App.PostJsonAsync("/api/v1/alerts", body);

        await ProblemAssert.NamesFieldAsync(response, field);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Post_BadLatitudeAndLongitude_NamesBoth()
    {
        var body = AlertRequests.Valid("bad-latlon").Without("gridCode").With("location", new { lat = 999, lon = -999 });

        var response = await host.App.PostJsonAsync("/api/v1/alerts", body);

        await ProblemAssert.NamesFieldAsync(response, "location.lat");
        await ProblemAssert.NamesFieldAsync(response, "location.lon");
    }

    [Fact]
    public async Task Post_PointJustOutsideTheNamedGrid_IsAcceptedAsGpsDrift()
    {
        var grid = DemoCity.Map().Find(AlertRequests.Grid)!;
        var envelope = grid.Boundary.EnvelopeInternal;
        var body = AlertRequests.Valid("drift-1").With("location", new { lat = envelope.Centre.Y, lon = envelope.MaxX + 0.0003 }); // ~30 m east of it
        Assert.False(grid.Boundary.Covers(grid.Boundary.Factory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(envelope.MaxX + 0.0003, envelope.Centre.Y))));

        var response = await host.App.PostJsonAsync("/api/v1/alerts", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = host.App.NewDbContext();
        db.AlertReports.RemoveRange(db.AlertReports);
        db.Alerts.RemoveRange(db.Alerts);
        db.AuditEntries.RemoveRange(db.AuditEntries);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Post_SeveralBadFields_NamesEachOfThem()
    {
        var body = AlertRequests.Valid("bad-many").With("severity", "x").With("category", "x").Without("title");

        var response = await host.App.PostJsonAsync("/api/v1/alerts", body);

        await ProblemAssert.NamesFieldAsync(response, "severity");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"category\"", text, StringComparison.Ordinal);
        Assert.Contains("\"title\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"source\": \"gridWorker\", ", "body")]
    [InlineData("[1, 2, 3]", "body")]
    [InlineData("null", "body")]
    [InlineData("{\"source\": \"gridWorker\", \"reporter\": \"not an object\"}", "reporter")]
    public async Task Post_MalformedJson_Returns400ProblemAndStoresNothing(string json, string field)
    {
        using var request = WithKey(new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = new StringContent(json, Encoding.UTF8, "application/json") });

        var response = await host.App.Http.SendAsync(request);

        await ProblemAssert.NamesFieldAsync(response, field);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Post_BodyOver64KB_Returns413Problem()
    {
        var body = AlertRequests.Valid("bad-huge").With("padding", new string('x', 70 * 1024));

        var response = await host.App.PostJsonAsync("/api/v1/alerts", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Post_ChunkedBodyOver64KB_Returns413Problem()
    {
        var json = "{\"title\":\"" + new string('x', 70 * 1024) + "\"}";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new("application/json");
        using var request = WithKey(new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = content });
        request.Headers.TransferEncodingChunked = true;

        var response = await host.App.Http.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Post_NotJson_Returns415Problem()
    {
        using var request = WithKey(new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = new StringContent("source=gridWorker", Encoding.UTF8, "application/x-www-form-urlencoded") });

        var response = await host.App.Http.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Post_BadReportAfterGoodOne_LeavesTheGoodOneIntact()
    {
        await using (var db = host.App.NewDbContext())
        {
            Assert.Equal(0, await db.Alerts.CountAsync());
        }

        var good = await host.App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("good-then-bad", DemoCity.GridCode(5, 4, 10)));
        var bad = await host.App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("good-then-bad", DemoCity.GridCode(5, 4, 10)).With("severity", "nope"));

        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        await using var after = host.App.NewDbContext();
        var stored = await after.Alerts.SingleAsync(a => a.ExternalId == "good-then-bad");
        Assert.Equal(CommandCenter.Core.Alerts.Severity.Major, stored.Severity);

        // Leave the store as the other tests expect it.
        after.AlertReports.RemoveRange(after.AlertReports);
        after.Alerts.RemoveRange(after.Alerts);
        after.AuditEntries.RemoveRange(after.AuditEntries);
        await after.SaveChangesAsync();
    }

    /// <summary>A point inside the city but in a far town, nowhere near <see cref="AlertRequests.Grid"/>.</summary>
    private static object FarPoint()
    {
        var far = DemoCity.Map().Find(DemoCity.GridCode(5, 4, 10))!.Boundary.InteriorPoint;
        return new { lat = far.Y, lon = far.X };
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request)
    {
        request.Headers.Add(CommandCenter.Web.Access.ApiKeys.Header, CommandCenterApp.KeyFor("gridWorker"));
        return request;
    }

    private async Task AssertNothingStoredAsync()
    {
        await using var db = host.App.NewDbContext();
        Assert.Equal(0, await db.Alerts.CountAsync(a => a.ExternalId.StartsWith("bad-")));
        Assert.Equal(0, await db.AlertReports.CountAsync(r => r.ExternalId.StartsWith("bad-")));
    }
}
