using System.Globalization;
using System.Text;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Wall;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Wall;

/// <summary>
/// One scope's map layers as markup shared by every wall showing the scope (see <see cref="SharedMarkup{TKey}"/>):
/// the borders and names of its children, built once, and the shapes coloured by load, the silent ones, the late
/// outlines and badges, the hotspot grids and the teams, each built again only when what it shows changes. Walls of
/// one scope render one shared <see cref="WallView"/>, so they all ask with equal input and hold the same strings.
/// </summary>
/// <remarks>
/// The shapes are the scope's grids, or at a coarser <see cref="MapDetail"/> its communities or towns, each standing
/// for its grids: values per grid add up per shape. They come in blocks, one per parent: when one shape's load
/// changes, walls re-send and re-parse that block, not the whole map. A layer asked again with the very view it was
/// last built from answers at once, so a view is folded into shapes once, not once per wall.
/// </remarks>
public sealed class MapMarkup
{
    /// <summary>Late badges sit up and right of a shape's centre, where a new alert without coordinates puts its marker.</summary>
    private const double BadgeOffset = 14;

    /// <summary>At a coarse detail, the heaviest grids are still drawn, this many at most.</summary>
    public const int HotspotLimit = 20;

    /// <summary>A grid drawn as a hotspot at a coarse detail carries at least this many open alerts (the two top load bands).</summary>
    public const int HotspotMinimum = 6;

    /// <summary>Team dots drawn at most, longest in their status first: a city where every team is out still has a readable map.</summary>
    public const int TeamDotLimit = 300;

    private readonly IReadOnlyList<MapShape> _cells;
    private readonly int[] _gridsPerCell;
    private readonly IReadOnlyDictionary<string, int> _cellOfGrid;
    private readonly IReadOnlyList<(int[] Cells, SharedMarkup<CellValues> Markup)> _blocks;
    private readonly Func<string, MapShape?> _gridShape;
    private readonly Func<double, double, (double X, double Y)> _project;
    private readonly string _kind;
    private readonly SharedMarkup<CellValues> _silent = new();
    private readonly SharedMarkup<CellValues> _late = new();
    private readonly SharedMarkup<CellValues> _badges = new();
    private readonly SharedMarkup<HotGrids> _hotspots = new();
    private readonly SharedMarkup<TeamDots> _teams = new();
    private readonly LastInput<IReadOnlyList<MarkupString>> _lastCells = new();
    private readonly LastInput<MarkupString> _lastSilent = new(), _lastLate = new(), _lastBadges = new(), _lastHotspots = new();

    /// <param name="detail">The level of <paramref name="cells"/>.</param>
    /// <param name="cells">The shapes drawn, in drawing order.</param>
    /// <param name="gridsOfCell">The grids each shape stands for (itself at grid detail).</param>
    /// <param name="blocks">The shapes' indexes, a block per parent.</param>
    /// <param name="children">The scope's children, bordered and named.</param>
    /// <param name="gridShape">A grid's shape, for hotspots drawn over a coarse map.</param>
    /// <param name="project">Latitude and longitude to map coordinates.</param>
    public MapMarkup(
        NodeLevel detail,
        IReadOnlyList<MapShape> cells,
        IReadOnlyList<IReadOnlyList<string>> gridsOfCell,
        IReadOnlyList<int[]> blocks,
        IReadOnlyList<MapShape> children,
        Func<string, MapShape?> gridShape,
        Func<double, double, (double X, double Y)> project)
    {
        Detail = detail;
        _cells = cells;
        _kind = detail.ToString().ToLowerInvariant();
        _gridsPerCell = [.. gridsOfCell.Select(g => g.Count)];
        var cellOfGrid = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < gridsOfCell.Count; i++)
        {
            foreach (var grid in gridsOfCell[i])
            {
                cellOfGrid[grid] = i;
            }
        }

        _cellOfGrid = cellOfGrid;
        _blocks = [.. blocks.Select(b => (b, new SharedMarkup<CellValues>()))];
        _gridShape = gridShape;
        _project = project;
        Borders = new MarkupString(BuildBorders(children));
    }

    /// <summary>The level the shapes are drawn at.</summary>
    public NodeLevel Detail { get; }

    /// <summary>The children's borders and names: never changes.</summary>
    public MarkupString Borders { get; }

    /// <summary>How many shapes are drawn.</summary>
    public int ShapeCount => _cells.Count;

    /// <summary>How many times a block or layer was built: tests check that equal state builds nothing.</summary>
    internal int Builds => _blocks.Sum(b => b.Markup.Builds) + _silent.Builds + _late.Builds + _badges.Builds + _hotspots.Builds + _teams.Builds;

    /// <summary>The colour band of an open-alert load per grid, as in the legend.</summary>
    public static int LoadBand(int open) => open switch
    {
        0 => 0,
        <= 2 => 1,
        <= 5 => 2,
        <= 10 => 3,
        _ => 4,
    };

    /// <summary>How many of these grids are on this map (for the legend: never more than the map shows).</summary>
    public int CountOnMap(IEnumerable<string> grids) => grids.Count(_cellOfGrid.ContainsKey);

    /// <summary>
    /// Every shape, filled by the band of its open alerts per grid (rounded up: one open alert anywhere in a community
    /// colours it) and titled with their number; one block per parent.
    /// </summary>
    public IReadOnlyList<MarkupString> Cells(IReadOnlyDictionary<string, int> openByGrid) =>
        _lastCells.For(openByGrid, "", () =>
        {
            var values = Sum(openByGrid);
            return [.. _blocks.Select(b => b.Markup.For(CellValues.Of(b.Cells, values), key => Write(b.Cells, key, WriteCell, all: true)))];
        });

    /// <summary>
    /// Silent shapes hatched over their fill, titled "name: <paramref name="label"/>": a silent grid, or a community or
    /// town at least half of whose grids are silent (a few quiet grids at night must not hatch the whole city).
    /// </summary>
    public MarkupString SilentCells(IReadOnlySet<string> silent, string label) =>
        _lastSilent.For(silent, label, () =>
        {
            var counts = Sum(silent.Select(code => KeyValuePair.Create(code, 1)));
            var hatched = new int[counts.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                hatched[i] = counts[i] * 2 >= _gridsPerCell[i] && counts[i] > 0 ? 1 : 0;
            }

            return _silent.For(CellValues.Of(null, hatched, label), key => Write(null, key, WriteSilent));
        });

    /// <summary>Shapes with late reports today outlined, titled "name: <paramref name="label"/> count".</summary>
    public MarkupString LateCells(IReadOnlyDictionary<string, int> late, string label) =>
        _lastLate.For(late, label, () => _late.For(CellValues.Of(null, Sum(late), label), key => Write(null, key, WriteLate)));

    /// <summary>A badge reading <paramref name="badge"/> on each shape with late reports today.</summary>
    public MarkupString LateBadges(IReadOnlyDictionary<string, int> late, string badge) =>
        _lastBadges.For(late, badge, () =>
        {
            var values = Sum(late);
            return _badges.For(CellValues.Of(null, [.. values.Select(v => v > 0 ? 1 : 0)], badge), key => Write(null, key, WriteBadge));
        });

    /// <summary>
    /// Over a coarse map, the heaviest grids (at least <see cref="HotspotMinimum"/> open, <see cref="HotspotLimit"/> at
    /// most) drawn in their own colour and outlined, so a hotspot does not vanish into its community's average.
    /// Nothing at grid detail, where every grid is drawn anyway.
    /// </summary>
    public MarkupString Hotspots(IReadOnlyDictionary<string, int> openByGrid) =>
        Detail == NodeLevel.Grid
            ? default
            : _lastHotspots.For(openByGrid, "", () => _hotspots.For(
                new HotGrids([.. openByGrid
                    .Where(g => g.Value >= HotspotMinimum && _cellOfGrid.ContainsKey(g.Key))
                    .OrderByDescending(g => g.Value).ThenBy(g => g.Key, StringComparer.Ordinal)
                    .Take(HotspotLimit)
                    .Select(g => (g.Key, g.Value))]),
                key =>
                {
                    var text = new StringBuilder();
                    foreach (var (code, open) in key.Grids)
                    {
                        if (_gridShape(code) is { } grid)
                        {
                            text.Append(CultureInfo.InvariantCulture, $"<path d=\"{grid.Path}\" fill-rule=\"evenodd\" class=\"hot-grid load-{LoadBand(open)}\" data-hot-grid=\"{MarkupText.Encode(grid.Code)}\"><title>{MarkupText.Encode(grid.Name)}: {open}</title></path>");
                        }
                    }

                    return text.ToString();
                }));

    /// <summary>
    /// Teams with a position that are on duty, as dots coloured by status. Over a coarse map only teams at work and
    /// teams above the drawn level are dots: a city's thousand community and grid teams standing by would bury it.
    /// </summary>
    public MarkupString Teams(IReadOnlyList<WallTeamRow> teams) =>
        _teams.For(TeamDots.Of(teams, Detail), key =>
        {
            var text = new StringBuilder();
            foreach (var team in key.Teams)
            {
                var (x, y) = _project(team.Latitude, team.Longitude);
                text.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x - 5)}\" y=\"{F(y - 5)}\" width=\"10\" height=\"10\" class=\"team-dot status-{team.Status.ToString().ToLowerInvariant()}\" data-team=\"{MarkupText.Encode(team.Code)}\"><title>{MarkupText.Encode(team.Name)}</title></rect>");
            }

            return text.ToString();
        });

    private static string BuildBorders(IReadOnlyList<MapShape> children)
    {
        var text = new StringBuilder();
        foreach (var child in children)
        {
            text.Append(CultureInfo.InvariantCulture, $"<path d=\"{child.Path}\" fill-rule=\"evenodd\" class=\"child-border\"></path>");
        }

        foreach (var child in children)
        {
            text.Append(CultureInfo.InvariantCulture, $"<g class=\"child-label\"><text x=\"{F(child.LabelX)}\" y=\"{F(child.LabelY)}\" class=\"child-name\">{MarkupText.Encode(child.Name)}</text></g>");
        }

        return text.ToString();
    }

    /// <summary>A value per shape: the grids' values added up per shape; grids not on this map are left out.</summary>
    private int[] Sum(IEnumerable<KeyValuePair<string, int>> byGrid)
    {
        var values = new int[_cells.Count];
        foreach (var (code, value) in byGrid)
        {
            if (_cellOfGrid.TryGetValue(code, out var cell))
            {
                values[cell] += value;
            }
        }

        return values;
    }

    /// <summary>The elements of the shapes whose value is not 0 (of all of them for <paramref name="all"/>), the label encoded once.</summary>
    private string Write(int[]? cells, CellValues key, Action<StringBuilder, MapShape, int, int, string> write, bool all = false)
    {
        var text = new StringBuilder();
        var label = MarkupText.Encode(key.Label);
        for (var i = 0; i < key.Values.Length; i++)
        {
            if (all || key.Values[i] != 0)
            {
                var cell = cells is null ? i : cells[i];
                write(text, _cells[cell], key.Values[i], _gridsPerCell[cell], label);
            }
        }

        return text.ToString();
    }

    private void WriteCell(StringBuilder text, MapShape cell, int open, int grids, string label) =>
        text.Append(CultureInfo.InvariantCulture, $"<path d=\"{cell.Path}\" fill-rule=\"evenodd\" class=\"{_kind} load-{LoadBand((open + Math.Max(grids, 1) - 1) / Math.Max(grids, 1))}\" data-{_kind}=\"{MarkupText.Encode(cell.Code)}\"><title>{MarkupText.Encode(cell.Name)}: {open}</title></path>");

    private void WriteSilent(StringBuilder text, MapShape cell, int silent, int grids, string label) =>
        text.Append(CultureInfo.InvariantCulture, $"<path d=\"{cell.Path}\" fill-rule=\"evenodd\" class=\"silent-grid\" fill=\"url(#silent-hatch)\" data-silent-{_kind}=\"{MarkupText.Encode(cell.Code)}\"><title>{MarkupText.Encode(cell.Name)}: {label}</title></path>");

    private void WriteLate(StringBuilder text, MapShape cell, int count, int grids, string label) =>
        text.Append(CultureInfo.InvariantCulture, $"<path d=\"{cell.Path}\" fill-rule=\"evenodd\" class=\"late-grid\" data-late-{_kind}=\"{MarkupText.Encode(cell.Code)}\"><title>{MarkupText.Encode(cell.Name)}: {label} {count}</title></path>");

    private void WriteBadge(StringBuilder text, MapShape cell, int late, int grids, string badge)
    {
        var (x, y) = (F(cell.LabelX + BadgeOffset), F(cell.LabelY - BadgeOffset));
        text.Append(CultureInfo.InvariantCulture, $"<g class=\"late-badge\" data-late-badge=\"{MarkupText.Encode(cell.Code)}\"><circle cx=\"{x}\" cy=\"{y}\" r=\"12\"></circle><text x=\"{x}\" y=\"{y}\">{badge}</text></g>");
    }

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>
    /// A layer's last input (by reference: views are immutable) and what it gave: every wall of a scope asks with the
    /// same view, and only the first folds it into shapes.
    /// </summary>
    private sealed class LastInput<T>
    {
        private Entry? _last;

        public T For(object input, string label, Func<T> build)
        {
            if (Volatile.Read(ref _last) is { } last && ReferenceEquals(last.Input, input) && string.Equals(last.Label, label, StringComparison.Ordinal))
            {
                return last.Output;
            }

            var output = build();
            Volatile.Write(ref _last, new Entry(input, label, output));
            return output;
        }

        private sealed record Entry(object Input, string Label, T Output);
    }

    /// <summary>A value per shape (of a block, or of the map) and the label the layer writes: what a layer's markup is made of.</summary>
    private sealed record CellValues(int[] Values, string Label)
    {
        /// <summary>The values of <paramref name="cells"/> (all shapes when null), copied: a key must be a snapshot.</summary>
        public static CellValues Of(int[]? cells, int[] values, string label = "") =>
            new(cells is null ? values : [.. cells.Select(i => values[i])], label);

        public bool Equals(CellValues? other) =>
            other is not null && string.Equals(Label, other.Label, StringComparison.Ordinal) && Values.AsSpan().SequenceEqual(other.Values);

        public override int GetHashCode() => HashCode.Combine(Label, Values.Length);
    }

    private sealed record HotGrids((string Code, int Open)[] Grids)
    {
        public bool Equals(HotGrids? other) => other is not null && Grids.AsSpan().SequenceEqual(other.Grids);

        public override int GetHashCode() => Grids.Length;
    }

    private readonly record struct TeamDot(string Code, string Name, TeamStatus Status, double Latitude, double Longitude);

    /// <summary>What the team layer draws, in drawing order.</summary>
    private sealed record TeamDots(TeamDot[] Teams)
    {
        public static TeamDots Of(IReadOnlyList<WallTeamRow> teams, NodeLevel detail) =>
            new([.. teams
                .Where(t => t.Latitude is not null && t.Longitude is not null && t.Status != TeamStatus.OffDuty)
                .Where(t => detail == NodeLevel.Grid || t.Level < detail || t.Status != TeamStatus.Available)
                .OrderBy(t => t.Status == TeamStatus.Available ? 1 : 0) // teams at work keep their dots first
                .Take(TeamDotLimit)
                .Select(t => new TeamDot(t.Code, t.Name, t.Status, t.Latitude!.Value, t.Longitude!.Value))]);

        public bool Equals(TeamDots? other) => other is not null && Teams.AsSpan().SequenceEqual(other.Teams);

        public override int GetHashCode() => Teams.Length;
    }
}
