using System.Globalization;
using System.Text;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Wall;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Wall;

/// <summary>
/// One scope's map layers as markup shared by every wall showing the scope (see <see cref="SharedMarkup{TKey}"/>):
/// the borders and names of its children, built once, and the grids coloured by load, the silent grids, the late
/// outlines and badges and the teams, each built again only when what it shows changes. Walls of one scope render
/// one shared <see cref="WallView"/>, so they all ask with equal input and hold the same strings.
/// </summary>
/// <remarks>
/// The grids come in blocks, one per community: when one grid's load changes, walls re-send and re-parse that block
/// (ten grids), not the whole map.
/// </remarks>
public sealed class MapMarkup
{
    /// <summary>Late badges sit up and right of a grid's centre, where a new alert without coordinates puts its marker.</summary>
    private const double BadgeOffset = 14;

    private readonly IReadOnlyList<MapShape> _grids;
    private readonly IReadOnlyList<(IReadOnlyList<MapShape> Grids, SharedMarkup<GridValues> Markup)> _blocks;
    private readonly Func<double, double, (double X, double Y)> _project;
    private readonly SharedMarkup<GridValues> _silent = new();
    private readonly SharedMarkup<GridValues> _late = new();
    private readonly SharedMarkup<GridValues> _badges = new();
    private readonly SharedMarkup<TeamDots> _teams = new();

    /// <param name="grids">The scope's grids, in drawing order.</param>
    /// <param name="blocks">The same grids, a block per community.</param>
    /// <param name="children">The scope's children, bordered and named.</param>
    /// <param name="project">Latitude and longitude to map coordinates.</param>
    public MapMarkup(
        IReadOnlyList<MapShape> grids,
        IReadOnlyList<IReadOnlyList<MapShape>> blocks,
        IReadOnlyList<MapShape> children,
        Func<double, double, (double X, double Y)> project)
    {
        _grids = grids;
        _blocks = [.. blocks.Select(b => (b, new SharedMarkup<GridValues>()))];
        _project = project;
        Borders = new MarkupString(BuildBorders(children));
    }

    /// <summary>The children's borders and names: never changes.</summary>
    public MarkupString Borders { get; }

    /// <summary>How many times a block or layer was built: tests check that equal state builds nothing.</summary>
    internal int Builds => _blocks.Sum(b => b.Markup.Builds) + _silent.Builds + _late.Builds + _badges.Builds + _teams.Builds;

    /// <summary>The colour band of a grid's open-alert load, as in the legend.</summary>
    public static int LoadBand(int open) => open switch
    {
        0 => 0,
        <= 2 => 1,
        <= 5 => 2,
        <= 10 => 3,
        _ => 4,
    };

    /// <summary>Every grid, filled by the band of its open alerts and titled with their number; one block per community.</summary>
    public IEnumerable<MarkupString> Grids(IReadOnlyDictionary<string, int> openByGrid)
    {
        foreach (var (grids, markup) in _blocks)
        {
            yield return markup.For(GridValues.Of(grids, code => openByGrid.GetValueOrDefault(code)), key => Write(grids, key, WriteGrid, all: true));
        }
    }

    /// <summary>Silent grids hatched over their fill, titled "name: <paramref name="label"/>".</summary>
    public MarkupString SilentGrids(IReadOnlySet<string> silent, string label) =>
        _silent.For(GridValues.Of(_grids, code => silent.Contains(code) ? 1 : 0, label), key => Write(_grids, key, WriteSilent));

    /// <summary>Grids with late reports today outlined, titled "name: <paramref name="label"/> count".</summary>
    public MarkupString LateGrids(IReadOnlyDictionary<string, int> late, string label) =>
        _late.For(GridValues.Of(_grids, code => late.GetValueOrDefault(code), label), key => Write(_grids, key, WriteLate));

    /// <summary>A badge reading <paramref name="badge"/> on each grid with late reports today.</summary>
    public MarkupString LateBadges(IReadOnlyDictionary<string, int> late, string badge) =>
        _badges.For(GridValues.Of(_grids, code => late.ContainsKey(code) ? 1 : 0, badge), key => Write(_grids, key, WriteBadge));

    /// <summary>Teams with a position that are on duty, as dots coloured by status.</summary>
    public MarkupString Teams(IReadOnlyList<WallTeamRow> teams) =>
        _teams.For(TeamDots.Of(teams), key =>
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

    /// <summary>The elements of the grids whose value is not 0 (of all of them for <paramref name="all"/>), the label encoded once.</summary>
    private static string Write(IReadOnlyList<MapShape> grids, GridValues key, Action<StringBuilder, MapShape, int, string> write, bool all = false)
    {
        var text = new StringBuilder();
        var label = MarkupText.Encode(key.Label);
        for (var i = 0; i < grids.Count; i++)
        {
            if (all || key.Values[i] != 0)
            {
                write(text, grids[i], key.Values[i], label);
            }
        }

        return text.ToString();
    }

    private static void WriteGrid(StringBuilder text, MapShape grid, int open, string label) =>
        text.Append(CultureInfo.InvariantCulture, $"<path d=\"{grid.Path}\" fill-rule=\"evenodd\" class=\"grid load-{LoadBand(open)}\" data-grid=\"{MarkupText.Encode(grid.Code)}\"><title>{MarkupText.Encode(grid.Name)}: {open}</title></path>");

    private static void WriteSilent(StringBuilder text, MapShape grid, int silent, string label) =>
        text.Append(CultureInfo.InvariantCulture, $"<path d=\"{grid.Path}\" fill-rule=\"evenodd\" class=\"silent-grid\" fill=\"url(#silent-hatch)\" data-silent-grid=\"{MarkupText.Encode(grid.Code)}\"><title>{MarkupText.Encode(grid.Name)}: {label}</title></path>");

    private static void WriteLate(StringBuilder text, MapShape grid, int count, string label) =>
        text.Append(CultureInfo.InvariantCulture, $"<path d=\"{grid.Path}\" fill-rule=\"evenodd\" class=\"late-grid\" data-late-grid=\"{MarkupText.Encode(grid.Code)}\"><title>{MarkupText.Encode(grid.Name)}: {label} {count}</title></path>");

    private static void WriteBadge(StringBuilder text, MapShape grid, int late, string badge)
    {
        var (x, y) = (F(grid.LabelX + BadgeOffset), F(grid.LabelY - BadgeOffset));
        text.Append(CultureInfo.InvariantCulture, $"<g class=\"late-badge\" data-late-badge=\"{MarkupText.Encode(grid.Code)}\"><circle cx=\"{x}\" cy=\"{y}\" r=\"12\"></circle><text x=\"{x}\" y=\"{y}\">{badge}</text></g>");
    }

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A value per grid (in the map's order) and the label the layer writes: what a layer's markup is made of.</summary>
    private sealed record GridValues(int[] Values, string Label)
    {
        public static GridValues Of(IReadOnlyList<MapShape> grids, Func<string, int> valueOf, string label = "")
        {
            var values = new int[grids.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = valueOf(grids[i].Code);
            }

            return new GridValues(values, label);
        }

        public bool Equals(GridValues? other) =>
            other is not null && string.Equals(Label, other.Label, StringComparison.Ordinal) && Values.AsSpan().SequenceEqual(other.Values);

        public override int GetHashCode() => HashCode.Combine(Label, Values.Length);
    }

    private readonly record struct TeamDot(string Code, string Name, TeamStatus Status, double Latitude, double Longitude);

    /// <summary>What the team layer draws, in drawing order.</summary>
    private sealed record TeamDots(TeamDot[] Teams)
    {
        public static TeamDots Of(IReadOnlyList<WallTeamRow> teams) =>
            new([.. teams
                .Where(t => t.Latitude is not null && t.Longitude is not null && t.Status != TeamStatus.OffDuty)
                .Select(t => new TeamDot(t.Code, t.Name, t.Status, t.Latitude!.Value, t.Longitude!.Value))]);

        public bool Equals(TeamDots? other) => other is not null && Teams.AsSpan().SequenceEqual(other.Teams);

        public override int GetHashCode() => Teams.Length;
    }
}
