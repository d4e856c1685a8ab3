using System.Net;
using System.Net.Http.Json;
using CommandCenter.Testing;
using CommandCenter.Web.Api;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Web.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Api;

/// <summary>Outside systems post with their own key: missing or wrong is 401, another system's source is 403.</summary>
public sealed class ApiKeyTests : FreshAppTest
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-key")]
    public async Task PostAlert_MissingOrWrongKey_Is401AndStoresNothing(string? key)
    {
        var response = await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("key-1"), key);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        await using var db = App.NewDbContext();
        Assert.Equal(0, await db.Alerts.CountAsync());
    }

    [Fact]
    public async Task PostAlert_KeyOfAnotherSource_Is403AndStoresNothing()
    {
        var response = await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("key-2"), CommandCenterApp.KeyFor("hotline"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("hotline", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        await using var db = App.NewDbContext();
        Assert.Equal(0, await db.Alerts.CountAsync());
    }

    [Theory]
    [InlineData("/api/v1/petition-warnings")]
    [InlineData("/api/v1/teams/TM-006/status")]
    public async Task OtherIngestionEndpoints_WithoutKey_Are401(string path)
    {
        var response = await App.PostJsonAsync(path, new { source = "gridWorker", status = "offDuty" }, apiKey: null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ReadingEndpoints_NeedNoKey()
    {
        var response = await App.Http.GetAsync("/api/v1/categories");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminCreatedKey_IsShownOnceStoredHashedAndWorksForItsSourceOnly()
    {
        using var admin = await App.SignedInClientAsync("admin");

        var created = await admin.PostAsJsonAsync("/api/v1/admin/api-keys", new { source = "video", name = "视频平台" }, CommandCenterApp.Json);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<CreatedApiKeyDto>(CommandCenterApp.Json))!;
        await using (var db = App.NewDbContext())
        {
            var stored = await db.ApiKeys.SingleAsync();
            Assert.NotEqual(key.Key, stored.Hash);
            Assert.DoesNotContain(key.Key, stored.Hash, StringComparison.Ordinal);
        }

        var listed = await admin.GetStringAsync("/api/v1/admin/api-keys");
        Assert.DoesNotContain(key.Key, listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("video-1").With("source", "video"), key.Key)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("video-2"), key.Key)).StatusCode);
    }

    [Fact]
    public async Task AdminEndpoints_NeedTheAdminRole()
    {
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var asStaff = await staff.PostAsJsonAsync("/api/v1/admin/api-keys", new { source = "video", name = "x" }, CommandCenterApp.Json);
        var anonymous = await App.Http.GetAsync("/api/v1/admin/api-keys");

        Assert.Equal(HttpStatusCode.Forbidden, asStaff.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task IdentifyAsync_AConfiguredKeyChanged_TheNewKeyWorksAndTheOldNoLonger()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ingestion:ApiKeys:Hotline"] = "old-hotline-key",
        }).Build();
        var keys = new ApiKeys(configuration, App.Services.GetRequiredService<IDbContextFactory<CommandCenterDbContext>>(), App.Time);
        Assert.Equal(AlertSource.Hotline, (await keys.IdentifyAsync("old-hotline-key", CancellationToken.None))?.Source);

        configuration["Ingestion:ApiKeys:Hotline"] = "new-hotline-key";

        Assert.Null(await keys.IdentifyAsync("old-hotline-key", CancellationToken.None));
        Assert.Equal(AlertSource.Hotline, (await keys.IdentifyAsync("new-hotline-key", CancellationToken.None))?.Source);
    }
}
