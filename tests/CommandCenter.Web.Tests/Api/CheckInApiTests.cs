using System.Net;
using System.Net.Http.Json;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Testing;
using CommandCenter.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Api;

/// <summary>Grid workers' check-ins from their app: stored, ending a silence at once, and only with the grid workers' key.</summary>
public sealed class CheckInApiTests : FreshAppTest
{
    private static readonly string Grid = DemoCity.GridCode(2, 1, 3);

    private Task<HttpResponseMessage> CheckInAsync(string gridCode, object body, string? source = "gridWorker") =>
        App.PostJsonAsync($"/api/v1/grids/{gridCode}/check-ins", body, source is null ? null : CommandCenterApp.KeyFor(source));

    [Fact]
    public async Task CheckIn_WithTheGridWorkersKey_Is201AndStored()
    {
        var response = await CheckInAsync(Grid, new { workerName = "张网格" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dto = (await response.Content.ReadFromJsonAsync<CheckInDto>(CommandCenterApp.Json))!;
        Assert.Equal((Grid, "张网格", StoreHost.Start), (dto.GridCode, dto.WorkerName, dto.At));
        await using var db = App.NewDbContext();
        Assert.Equal((Grid, "张网格"), await db.GridCheckIns.Select(c => ValueTuple.Create(c.GridCode, c.WorkerName)).SingleAsync());
    }

    [Fact]
    public async Task CheckIn_InASilentGrid_EndsTheSilenceAtOnce()
    {
        var activity = App.Services.GetRequiredService<GridActivityService>();
        App.Time.Advance(TimeSpan.FromHours(9));
        await activity.UpdateSilentGridsAsync();
        Assert.Contains(Grid, activity.SilentGridCodes);

        var response = await CheckInAsync(Grid, new { workerName = "张网格" });

        Assert.False((await response.Content.ReadFromJsonAsync<CheckInDto>(CommandCenterApp.Json))!.GridIsSilent);
        Assert.DoesNotContain(Grid, activity.SilentGridCodes);
    }

    [Fact]
    public async Task CheckIn_WithTheHotlinesKey_Is403AndNothingIsStored()
    {
        await ProblemAssert.IsProblemAsync(await CheckInAsync(Grid, new { workerName = "张网格" }, "hotline"), HttpStatusCode.Forbidden);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task CheckIn_WithoutAKey_Is401()
    {
        await ProblemAssert.IsProblemAsync(await CheckInAsync(Grid, new { workerName = "张网格" }, source: null), HttpStatusCode.Unauthorized);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("330188003002")] // a community, not a grid
    [InlineData("999999999999999")]
    public async Task CheckIn_NotAGrid_Is404(string code)
    {
        await ProblemAssert.IsProblemAsync(await CheckInAsync(code, new { workerName = "张网格" }), HttpStatusCode.NotFound);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task CheckIn_WithoutAWorkerName_Is400NamingIt()
    {
        await ProblemAssert.NamesFieldAsync(await CheckInAsync(Grid, new { workerName = "  " }), "workerName");
        await AssertNothingStoredAsync();
    }

    private async Task AssertNothingStoredAsync()
    {
        await using var db = App.NewDbContext();
        Assert.Equal(0, await db.GridCheckIns.CountAsync());
    }
}
