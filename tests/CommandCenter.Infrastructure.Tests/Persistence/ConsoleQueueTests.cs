using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// The console's queue on its own, on a real store with 5,000 open alerts in one town: filters and the page are in
/// the query, the order is total, a page past the end reads as the last, and a page with any filter comes off the
/// town's open-alert index in order.
/// </summary>
public sealed class ConsoleQueueTests : IAsyncLifetime
{
    private const string Town = "330188001";
    private const int Open = 5_000;
    private const int Size = 50;

    private readonly TempDirectory _dir = new();
    private StoreHost _host = null!;
    private IReadOnlyList<Alert> _alerts = [];

    public async Task InitializeAsync()
    {
        _host = await StoreHost.StartAsync(_dir.Path);
        var reference = _host.Get<ReferenceData>();
        var grids = reference.Map.Grids.Where(g => reference.Map.IsWithin(g.Code, Town)).Select(g => g.Code).ToList();
        _alerts = await BulkAlerts.InsertAsync(_host.Get<IDbContextFactory<CommandCenterDbContext>>(), reference, grids, Open, _host.Time.GetUtcNow());
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task ReadPageAsync_ReadsThePageInUrgencyOrder_AndTheTotal()
    {
        await using var db = _host.NewDbContext();

        var page = await db.Alerts.OpenQueue(Node(Town), QueueFilter.All).ReadPageAsync(7, Size);

        Assert.Equal(Open, page.Total);
        Assert.Equal(100, page.PageCount);
        Assert.Equal((351, 400), page.Shown);
        Assert.Equal(Expected(_alerts).Skip(7 * Size).Take(Size), page.Rows.Select(a => a.Id));
    }

    [Fact]
    public async Task ReadPageAsync_PastTheEnd_ReadsTheLastPage()
    {
        await using var db = _host.NewDbContext();

        var page = await db.Alerts.OpenQueue(Node(Town), QueueFilter.All).ReadPageAsync(1_000, Size);

        Assert.Equal(99, page.Page);
        Assert.Equal(Expected(_alerts).TakeLast(Size), page.Rows.Select(a => a.Id));
    }

    [Fact]
    public async Task OpenQueue_SeverityAndCommunity_NarrowTheTotalInTheQuery()
    {
        const string community = "330188001002";
        await using var db = _host.NewDbContext();

        var page = await db.Alerts.OpenQueue(Node(Town), new QueueFilter(Severity: Severity.Critical, Node: Node(community))).ReadPageAsync(0, Size);

        var expected = _alerts.Where(a => a.Severity == Severity.Critical && a.CommunityCode == community).ToList();
        Assert.InRange(expected.Count, 1, Open - 1);
        Assert.Equal(expected.Count, page.Total);
        Assert.Equal(Expected(expected).Take(Size), page.Rows.Select(a => a.Id));
    }

    [Fact]
    public async Task OpenQueue_ANodeOutsideTheScope_GivesAnEmptyQueue()
    {
        await using var db = _host.NewDbContext();

        var page = await db.Alerts.OpenQueue(Node(Town), new QueueFilter(Node: Node("330188002"))).ReadPageAsync(0, Size);

        Assert.Equal(0, page.Total);
        Assert.Empty(page.Rows);
        Assert.Equal((1, (0, 0)), (page.PageCount, page.Shown));
    }

    [Fact]
    public async Task OpenQueue_ACategoryRoot_MatchesItsSubcategoriesOnly()
    {
        await using var db = _host.NewDbContext();

        var theft = await db.Alerts.OpenQueue(Node(Town), new QueueFilter(CategoryRoot: "01")).ReadPageAsync(0, Size);
        var environment = await db.Alerts.OpenQueue(Node(Town), new QueueFilter(CategoryRoot: "04")).ReadPageAsync(0, Size);

        Assert.Equal(0, theft.Total);
        Assert.Equal(Open, environment.Total);
    }

#if !POSTGRESQL // SQLite's query plan
    [Theory]
    [InlineData(null, null)]
    [InlineData(AlertState.Reported, null)]
    [InlineData(null, Severity.Critical)]
    [InlineData(AlertState.Acknowledged, Severity.Major)]
    public async Task AFilteredPage_IsReadFromTheTownsOpenIndexWithoutASort(AlertState? state, Severity? severity)
    {
        await using var db = _host.NewDbContext();
        var page = db.Alerts.OpenQueue(Node(Town), new QueueFilter(state, severity)).InUrgencyOrder().Page(20, Size);

        var plan = await QueryPlans.ExplainAsync(db, page.ToQueryString());

        Assert.Contains("IX_Alerts_OpenInTown", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }
#endif

    /// <summary>The urgency order spelled out independently: deadline, then id as the store compares it (text).</summary>
    private static List<Guid> Expected(IEnumerable<Alert> alerts) => [.. alerts
        .OrderBy(a => a.StageDeadline)
        .ThenBy(a => a.Id.ToString().ToUpperInvariant(), StringComparer.Ordinal)
        .Select(a => a.Id)];

    private AdminNode Node(string code) => _host.Get<ReferenceData>().Map.Find(code)!;
}
