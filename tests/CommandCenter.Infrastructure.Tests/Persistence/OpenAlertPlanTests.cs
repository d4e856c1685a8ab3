using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// A year of history is a million alerts, nearly all closed: the wall's load, the hotspots' load and the console's
/// queue read the open ones through the partial open-alert indexes, at every level, and the console's first page in
/// urgency order comes off the index without sorting the whole queue.
/// </summary>
public sealed class OpenAlertPlanTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private StoreHost _host = null!;

    public async Task InitializeAsync() => _host = await StoreHost.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("330188", "IX_Alerts_Open")]
    [InlineData("330188001", "IX_Alerts_OpenInTown")]
    [InlineData("330188001001", "IX_Alerts_OpenInCommunity")]
    [InlineData("330188001001001", "IX_Alerts_OpenInGrid")]
    public async Task OpenAlertsOfANode_AreReadFromTheOpenIndexOfItsLevel(string code, string index)
    {
        await using var db = _host.NewDbContext();

        var plan = await QueryPlans.ExplainAsync(db, db.Alerts.InSubtree(Node(code)).WhereOpen().ToQueryString());

        Assert.Contains(index, plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("330188001", "IX_Alerts_OpenInTown")]
    [InlineData("330188001001", "IX_Alerts_OpenInCommunity")]
    [InlineData("330188001001001", "IX_Alerts_OpenInGrid")]
    public async Task TheConsolesPageOfAPlace_ComesOffItsIndexUnsorted(string code, string index)
    {
        await using var db = _host.NewDbContext();
        var page = db.Alerts.InSubtree(Node(code)).WhereOpen().InUrgencyOrder().Page(3, 50);

        var plan = await QueryPlans.ExplainAsync(db, page.ToQueryString());

        Assert.Contains(index, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    /// <summary>The city-wide index is kept narrow (so open alerts are counted from it): only alerts due at the same millisecond are sorted.</summary>
    [Fact]
    public async Task TheConsolesPageCityWide_ComesOffTheOpenIndex_SortingOnlyTies()
    {
        await using var db = _host.NewDbContext();
        var page = db.Alerts.InSubtree(Node("330188")).WhereOpen().InUrgencyOrder().Page(3, 50);

        var plan = await QueryPlans.ExplainAsync(db, page.ToQueryString());

        Assert.Equal("SCAN a USING INDEX IX_Alerts_Open | USE TEMP B-TREE FOR LAST TERM OF ORDER BY", plan);
    }

    private AdminNode Node(string code) => _host.Get<ReferenceData>().Map.Find(code)!;
}
