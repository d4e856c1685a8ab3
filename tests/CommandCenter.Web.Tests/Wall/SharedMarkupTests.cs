using Bunit;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Testing;
using CommandCenter.Web.Components.Wall;
using CommandCenter.Web.Wall;

namespace CommandCenter.Web.Tests.Wall;

/// <summary>
/// The map and the trend are drawn as markup that every wall of a scope shares, so an open wall keeps a few frames
/// pointing at shared strings instead of thousands of its own (memory per wall circuit:
/// wwwroot-assets/docs/decisions/0013-wall-circuits-share-their-markup.md). Two <see cref="CircuitRenderer"/>s are two walls.
/// </summary>
public sealed class SharedMarkupTests : WallTestContext
{
    private const string City = "330188";
    private static readonly string Busy = DemoCity.GridCode(0, 0, 1);
    private static readonly string Silent = DemoCity.GridCode(3, 2, 5);
    private static readonly string Late = DemoCity.GridCode(2, 1, 3);

    private readonly WallGeometry _geometry = new(DemoCity.Reference());

    [Fact]
    public async Task Map_TwoWallsWithEqualState_HoldTheSameStrings()
    {
        var map = _geometry.For(City);
        var first = new CircuitRenderer(Services);
        var second = new CircuitRenderer(Services);

        await first.RenderAsync<CityMapPanel>(MapParameters(map)); // each wall has its own copy of the view's state
        await second.RenderAsync<CityMapPanel>(MapParameters(map));

        var (mine, theirs) = (first.Markup(), second.Markup());
        Assert.Equal(mine.Count, theirs.Count);
        Assert.All(mine.Zip(theirs), pair => Assert.Same(pair.First, pair.Second));
        Assert.Contains(mine, m => m.Contains($"data-grid=\"{Busy}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Map_AWall_KeepsAFewFramesNotOnePerGrid()
    {
        var wall = new CircuitRenderer(Services);

        await wall.RenderAsync<CityMapPanel>(MapParameters(_geometry.For(City)));

        // 300 grids drawn element by element were ~2,500 frames; shared, the map is its frame, legend and blocks.
        Assert.InRange(wall.FrameCount(), 1, 150);
        Assert.Equal(30 + 3, wall.Markup().Count(m => m.Contains("<path", StringComparison.Ordinal))); // 30 blocks, the silent and late layers, the borders
    }

    [Fact]
    public async Task Map_WallRendersAgainWithNothingChanged_BuildsNothing()
    {
        var map = _geometry.For(City);
        var wall = new CircuitRenderer(Services);
        await wall.RenderAsync<CityMapPanel>(MapParameters(map));
        var builds = map.Markup.Builds;

        await wall.RenderAsync<CityMapPanel>(MapParameters(map));
        await new CircuitRenderer(Services).RenderAsync<CityMapPanel>(MapParameters(map));

        Assert.Equal(builds, map.Markup.Builds);
    }

    [Fact]
    public void Map_OneGridsLoadChanges_RebuildsOnlyItsCommunitysBlock()
    {
        var markup = _geometry.For(City).Markup;
        var before = markup.Cells(new Dictionary<string, int> { [Busy] = 1 }).ToList();

        var after = markup.Cells(new Dictionary<string, int> { [Busy] = 7 }).ToList();

        var changed = before.Zip(after).Where(pair => !ReferenceEquals(pair.First.Value, pair.Second.Value)).ToList();
        var block = Assert.Single(changed);
        Assert.Contains($"class=\"grid load-3\" data-grid=\"{Busy}\"", block.Second.Value, StringComparison.Ordinal);
        Assert.Equal(10, block.Second.Value.Split("<path").Length - 1); // the community's ten grids
    }

    [Fact]
    public void Map_StateChangesBetweenRenders_TheNextRenderShowsIt()
    {
        var map = _geometry.For(City);
        var cut = Render<CityMapPanel>(p => p
            .Add(c => c.Map, map)
            .Add(c => c.OpenByGrid, new Dictionary<string, int> { [Busy] = 7 })
            .Add(c => c.Markers, [])
            .Add(c => c.Now, Time.GetUtcNow())
            .Add(c => c.Teams, [])
            .Add(c => c.SilentGrids, new HashSet<string> { Silent })
            .Add(c => c.LateGrids, new Dictionary<string, int>()));

        cut.Render(p => p
            .Add(c => c.OpenByGrid, new Dictionary<string, int> { [Busy] = 1 })
            .Add(c => c.SilentGrids, new HashSet<string>())
            .Add(c => c.LateGrids, new Dictionary<string, int> { [Late] = 2 }));

        Assert.Contains("load-1", cut.Find($"path[data-grid='{Busy}']").ClassList);
        Assert.Equal($"{Name(Busy)}: 1", cut.Find($"path[data-grid='{Busy}'] title").TextContent);
        Assert.Empty(cut.FindAll("path.silent-grid"));
        Assert.Equal($"{Name(Late)}: 迟报 2", cut.Find($"path.late-grid[data-late-grid='{Late}'] title").TextContent);
        Assert.NotNull(cut.Find($"[data-late-badge='{Late}']"));
    }

    [Fact]
    public void Map_Teams_OnDutyWithAPositionAreDotsColouredByStatus()
    {
        var point = DemoCity.Map().Find(Busy)!.Boundary.InteriorPoint;
        WallTeamRow Team(string code, TeamStatus status, bool placed = true) => new(code, $"队{code}", TeamType.SecurityPatrol, NodeLevel.Town, status,
            Time.GetUtcNow(), null, placed ? point.Y : null, placed ? point.X : null);

        var cut = Render<CityMapPanel>(p => p
            .Add(c => c.Map, _geometry.For(City))
            .Add(c => c.OpenByGrid, new Dictionary<string, int>())
            .Add(c => c.Markers, [])
            .Add(c => c.Teams, [Team("A", TeamStatus.OnScene), Team("B", TeamStatus.OffDuty), Team("C", TeamStatus.Available, placed: false), Team("D", TeamStatus.Available)])
            .Add(c => c.SilentGrids, new HashSet<string>())
            .Add(c => c.LateGrids, new Dictionary<string, int>()));

        Assert.Equal(["A", "D"], cut.FindAll("rect.team-dot").Select(r => r.GetAttribute("data-team")));
        Assert.Contains("status-onscene", cut.Find("[data-team=A]").ClassList);
        Assert.Equal("队A", cut.Find("[data-team=A] title").TextContent);
    }

    [Fact]
    public void Map_Names_AreHtmlEncodedAndChineseStaysReadable()
    {
        const string name = "翠苑<b>\"社区\"</b> & '1'";
        var grid = new MapShape("330188001001001", name, "M0,0L10,0L10,10Z", 5, 5);
        var markup = new MapMarkup(NodeLevel.Grid, [grid], [[grid.Code]], [[0]], [grid with { Code = "330188001" }], _ => grid, (lat, lon) => (lon, lat));

        var block = markup.Cells(new Dictionary<string, int> { [grid.Code] = 3 }).Single().Value;
        var silent = markup.SilentCells(new HashSet<string> { grid.Code }, "<静默>").Value;

        Assert.Contains("<title>翠苑&lt;b&gt;&quot;社区&quot;&lt;/b&gt; &amp; &#x27;1&#x27;: 3</title>", block, StringComparison.Ordinal);
        Assert.Contains(": &lt;静默&gt;</title>", silent, StringComparison.Ordinal);
        Assert.Contains(">翠苑&lt;b&gt;", markup.Borders.Value, StringComparison.Ordinal);
        var cut = Render(builder => builder.AddMarkupContent(0, $"<svg>{block}{markup.Borders.Value}</svg>"));
        Assert.Equal($"{name}: 3", cut.Find("path title").TextContent);
        Assert.Equal(name, cut.Find("text").TextContent);
        Assert.Empty(cut.FindAll("b"));
    }

    [Fact]
    public async Task Trend_TwoWallsWithEqualBuckets_HoldTheSameBars()
    {
        var start = Time.GetUtcNow();
        List<TrendBucket> Buckets() => [.. Enumerable.Range(0, 36).Select(i => new TrendBucket(start.AddMinutes(10 * i), i, 0, i % 3, 0))];
        var first = new CircuitRenderer(Services);
        var second = new CircuitRenderer(Services);

        await first.RenderAsync<TrendPanel>(new Dictionary<string, object?> { ["Buckets"] = Buckets() });
        await second.RenderAsync<TrendPanel>(new Dictionary<string, object?> { ["Buckets"] = Buckets() });

        var bars = first.Markup().Single(m => m.Contains("<rect", StringComparison.Ordinal));
        Assert.Same(bars, second.Markup().Single(m => m.Contains("<rect", StringComparison.Ordinal)));
        Assert.Equal(36 * 4, bars.Split("<rect").Length - 1);
        Assert.InRange(first.FrameCount(), 1, 64);
    }

    private static string Name(string code) => DemoCity.Map().Find(code)!.Name;

    private Dictionary<string, object?> MapParameters(ScopeMap map)
    {
        var point = DemoCity.Map().Find(Busy)!.Boundary.InteriorPoint;
        return new()
        {
            ["Map"] = map,
            ["OpenByGrid"] = new Dictionary<string, int> { [Busy] = 7, [Late] = 1 },
            ["Markers"] = new List<WallMarker> { new(Guid.Empty, Severity.Critical, point.Y, point.X, Time.GetUtcNow()) },
            ["Now"] = Time.GetUtcNow(),
            ["Teams"] = new List<WallTeamRow> { new("TM-001", "明湖市治安巡防大队", TeamType.SecurityPatrol, NodeLevel.City, TeamStatus.OnScene, Time.GetUtcNow(), null, point.Y, point.X) },
            ["SilentGrids"] = new HashSet<string> { Silent },
            ["LateGrids"] = new Dictionary<string, int> { [Late] = 1 },
        };
    }
}
