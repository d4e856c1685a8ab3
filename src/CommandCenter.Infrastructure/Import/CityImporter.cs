using CommandCenter.Core;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetTopologySuite.IO;

namespace CommandCenter.Infrastructure.Import;

/// <summary>An open alert a re-division moves out of a retired grid, into the grid that now holds its point.</summary>
public sealed record MovedAlert(Guid AlertId, string Title, string FromGridCode, string ToGridCode, string ToGridName);

/// <summary>An open alert on a retired grid with no point to place it by: an administrator places it.</summary>
public sealed record UnplacedAlert(Guid AlertId, string Title, string GridCode);

/// <summary>Whose home a re-division retires: a team or a user account.</summary>
public enum HomeKind
{
    Team,
    User,
}

/// <summary>
/// A team or a user account homed on a node the division retires. It keeps working as it was (a user then sees
/// nothing of the new map) until an administrator moves it to a node of the new division.
/// </summary>
public sealed record HomedOnRetired(HomeKind Kind, string Key, string Name, string NodeCode);

/// <summary>
/// What an import found and did: the file's problems, the difference against the stored division, the open alerts
/// that move (or would move, in a dry run), those left for an administrator to place, and the teams and users whose
/// home node goes (<see cref="Homeless"/>), for an administrator to move. <see cref="Version"/> is the
/// division version stored, null in a dry run, for a file with errors, or when nothing changed.
/// </summary>
public sealed record ImportOutcome(
    DivisionReport Report,
    DivisionDiff? Diff,
    IReadOnlyList<MovedAlert> Moved,
    IReadOnlyList<UnplacedAlert> Unplaced,
    IReadOnlyList<HomedOnRetired> Homeless,
    int? Version)
{
    public bool IsValid => Report.IsValid;

    /// <summary>The outcome as plain lines, for the command line and the logs.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>();
        lines.AddRange(Report.Errors.Select(p => $"error: {p.Subject}: {p.Message}"));
        lines.AddRange(Report.Warnings.Select(p => $"warning: {p.Subject}: {p.Message}"));
        if (Diff is not null)
        {
            lines.AddRange(Diff.Summary());
            if (Diff.IsEmpty)
            {
                lines.Add("nothing changed against the stored division");
            }
        }

        lines.AddRange(Moved.Select(m => $"open alert {m.AlertId} ({m.Title}) moves from retired grid {m.FromGridCode} to {m.ToGridCode} {m.ToGridName}"));
        lines.AddRange(Unplaced.Select(u => $"open alert {u.AlertId} ({u.Title}) on retired grid {u.GridCode} has no location: an administrator places it"));
        lines.AddRange(Homeless.Select(h => $"{h.Kind.ToString().ToLowerInvariant()} {h.Key} ({h.Name}) is homed on retired node {h.NodeCode}: an administrator moves it"));
        return lines;
    }
}

/// <summary>
/// Imports a city's own map (GeoJSON) as a new division version: the first import, and every re-division (回头看)
/// after it. Nothing is stored unless the whole file is valid; then nodes are added, changed or retired, open alerts
/// on retired grids move to the grid now holding their point, closed alerts keep their codes, and every server loads
/// the new division (this one at once, others within <see cref="ReferenceWatcher.Interval"/>).
/// </summary>
public sealed class CityImporter(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceLoader loader,
    ReferenceData reference,
    ILiveFeed feed,
    IOptions<CityImportOptions> options,
    TimeProvider time,
    ILogger<CityImporter> logger)
{
    /// <summary>Checks the file and compares it with the stored division; stores nothing.</summary>
    public async Task<ImportOutcome> DryRunAsync(Stream geoJson, CancellationToken ct = default)
    {
        var check = await CityImport.CheckAsync(geoJson, options.Value, ct);
        if (!check.Report.IsValid)
        {
            return new ImportOutcome(check.Report, null, [], [], [], null);
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var plan = await PlanAsync(db, check.Nodes, ct);
        return new ImportOutcome(check.Report, plan.Diff, plan.Moved, plan.Unplaced, plan.Homeless, null);
    }

    /// <summary>Checks the file and, when it is valid and changes something, stores it as the next division version.</summary>
    public async Task<ImportOutcome> ApplyAsync(Stream geoJson, string source, Actor by, CancellationToken ct = default)
    {
        var check = await CityImport.CheckAsync(geoJson, options.Value, ct);
        if (!check.Report.IsValid)
        {
            return new ImportOutcome(check.Report, null, [], [], [], null);
        }

        var now = time.GetUtcNow();
        Plan plan;
        int version;
        List<AlertChanged> moves = [];
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await using var transaction = await db.BeginWriteTransactionAsync(ct);
            plan = await PlanAsync(db, check.Nodes, ct);
            if (plan.Diff.IsEmpty)
            {
                return new ImportOutcome(check.Report, plan.Diff, [], [], [], null);
            }

            version = (await db.Divisions.MaxAsync(d => (int?)d.Version, ct) ?? 0) + 1;
            await StoreNodesAsync(db, check.Nodes, plan.Diff, version, ct);
            var city = check.Nodes.Single(n => n.Level == NodeLevel.City);
            moves = await MoveAlertsAsync(db, plan.Moved, new CityMap(check.Nodes), city.Code, by, now, ct);

            var summary = string.Join(Environment.NewLine, plan.Diff.Summary());
            db.Divisions.Add(new DivisionRecord { Version = version, ImportedAt = now, ImportedBy = by.Name, Source = source, Summary = summary });
            db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.Division, version.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditAction.DivisionImported, by, now,
                $"{source}: {string.Join("; ", plan.Diff.Summary().Take(4))}"));

            // An administrator created before any city existed worked for "the whole city": now it has a code.
            await db.Users.Where(u => u.NodeCode == CommandCenterUser.WholeCity)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.NodeCode, city.Code), ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        logger.LogInformation("Division v{Version} imported from {Source} by {Actor}: {Summary}", version, source, by.Name, string.Join("; ", plan.Diff.Summary().Take(4)));
        await loader.ReloadAsync(ct);
        foreach (var move in moves)
        {
            feed.Publish(move);
        }

        return new ImportOutcome(check.Report, plan.Diff, plan.Moved, plan.Unplaced, plan.Homeless, version);
    }

    /// <summary>Places an open alert that a re-division left on a retired grid (it had no point) into a grid of today's map.</summary>
    public async Task PlaceAsync(Guid alertId, string gridCode, Actor by, CancellationToken ct = default)
    {
        var map = reference.Map;
        if (map.Find(gridCode) is not { Level: NodeLevel.Grid })
        {
            throw new DomainRuleException($"'{gridCode}' is not a grid of the current division.");
        }

        var now = time.GetUtcNow();
        AlertChanged moved;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == alertId, ct)
                ?? throw new DomainRuleException($"Alert {alertId} does not exist.");
            var from = alert.GridCode;
            alert.MoveToGrid(map.PathOf(gridCode), now);
            db.AuditEntries.Add(AuditEntry.ForAlert(alert, AuditAction.MovedToGrid, by, now, $"{from} → {gridCode}"));
            await db.SaveChangesAsync(ct);
            moved = AlertChanged.From(alert, map.City.Code, AlertChange.Moved, alert.State, now);
        }

        feed.Publish(moved);
    }

    /// <summary>Open alerts whose grid is not in today's map (a re-division retired it and they had no point).</summary>
    public async Task<IReadOnlyList<UnplacedAlert>> UnplacedAsync(CancellationToken ct = default)
    {
        if (!reference.HasCity)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var retired = await db.Nodes.AsNoTracking().Where(n => n.Level == NodeLevel.Grid && n.RetiredInDivision != null).Select(n => n.Code).ToListAsync(ct);
        var stranded = await db.Alerts.AsNoTracking().WhereOpen().Where(a => retired.Contains(a.GridCode))
            .OrderBy(a => a.ReportedAt).Select(a => new UnplacedAlert(a.Id, a.Title, a.GridCode)).ToListAsync(ct);
        return stranded;
    }

    private sealed record Plan(DivisionDiff Diff, IReadOnlyList<MovedAlert> Moved, IReadOnlyList<UnplacedAlert> Unplaced, IReadOnlyList<HomedOnRetired> Homeless);

    private static async Task<Plan> PlanAsync(CommandCenterDbContext db, IReadOnlyList<AdminNode> incoming, CancellationToken ct)
    {
        var reader = ReferenceLoader.NewWktReader();
        var stored = await db.Nodes.AsNoTracking().Where(n => n.RetiredInDivision == null).ToListAsync(ct);
        var current = stored.Select(n => ReferenceLoader.ToNode(n, reader)).ToList();
        var diff = DivisionDiff.Between(current, incoming);

        var homeless = await HomelessAsync(db, diff.Retired.Select(n => n.Code).ToList(), ct);
        var retiredGrids = diff.Retired.Where(n => n.Level == NodeLevel.Grid).Select(n => n.Code).ToList();
        if (retiredGrids.Count == 0)
        {
            return new Plan(diff, [], [], homeless);
        }

        var map = new CityMap(incoming);
        var stranded = await db.Alerts.AsNoTracking().WhereOpen().Where(a => retiredGrids.Contains(a.GridCode))
            .OrderBy(a => a.ReportedAt)
            .Select(a => new { a.Id, a.Title, a.GridCode, a.Latitude, a.Longitude })
            .ToListAsync(ct);
        var moved = new List<MovedAlert>();
        var unplaced = new List<UnplacedAlert>();
        foreach (var alert in stranded)
        {
            if (alert.Latitude is { } lat && alert.Longitude is { } lon && map.ResolveGrid(lat, lon) is { } grid)
            {
                moved.Add(new MovedAlert(alert.Id, alert.Title, alert.GridCode, grid.Code, grid.Name));
            }
            else
            {
                unplaced.Add(new UnplacedAlert(alert.Id, alert.Title, alert.GridCode));
            }
        }

        return new Plan(diff, moved, unplaced, homeless);
    }

    /// <summary>The teams in service and the user accounts homed on the nodes the division retires.</summary>
    private static async Task<IReadOnlyList<HomedOnRetired>> HomelessAsync(CommandCenterDbContext db, List<string> retired, CancellationToken ct)
    {
        if (retired.Count == 0)
        {
            return [];
        }

        var teams = await db.Teams.AsNoTracking().Where(t => t.RetiredAt == null && retired.Contains(t.NodeCode))
            .OrderBy(t => t.Code).Select(t => new HomedOnRetired(HomeKind.Team, t.Code, t.Name, t.NodeCode)).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().Where(u => retired.Contains(u.NodeCode))
            .OrderBy(u => u.UserName).Select(u => new HomedOnRetired(HomeKind.User, u.UserName!, u.DisplayName, u.NodeCode)).ToListAsync(ct);
        return [.. teams, .. users];
    }

    private static async Task StoreNodesAsync(CommandCenterDbContext db, IReadOnlyList<AdminNode> incoming, DivisionDiff diff, int version, CancellationToken ct)
    {
        var writer = new WKTWriter();
        var records = await db.Nodes.ToDictionaryAsync(n => n.Code, StringComparer.Ordinal, ct);
        var changed = diff.Renamed.Concat(diff.Reshaped).Concat(diff.DetailsChanged).Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var node in incoming)
        {
            if (!records.TryGetValue(node.Code, out var record))
            {
                db.Nodes.Add(ToRecord(node, writer, version));
            }
            else if (record.RetiredInDivision is not null)
            {
                // A code retired once and brought back is a new node that happens to reuse the code; its level and
                // parent come with the code, so the old row can carry it.
                Update(record, node, writer, version);
                record.RetiredInDivision = null;
            }
            else if (changed.Contains(node.Code))
            {
                Update(record, node, writer, version);
            }
        }

        foreach (var retired in diff.Retired)
        {
            records[retired.Code].RetiredInDivision = version;
        }
    }

    private static async Task<List<AlertChanged>> MoveAlertsAsync(
        CommandCenterDbContext db, IReadOnlyList<MovedAlert> moves, CityMap map, string cityCode, Actor by, DateTimeOffset now, CancellationToken ct)
    {
        var changes = new List<AlertChanged>();
        if (moves.Count == 0)
        {
            return changes;
        }

        var ids = moves.Select(m => m.AlertId).ToList();
        var alerts = await db.Alerts.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        foreach (var move in moves)
        {
            var alert = alerts[move.AlertId];
            alert.MoveToGrid(map.PathOf(move.ToGridCode), now);
            db.AuditEntries.Add(AuditEntry.ForAlert(alert, AuditAction.MovedToGrid, by, now, $"{move.FromGridCode} → {move.ToGridCode}"));
            changes.Add(AlertChanged.From(alert, cityCode, AlertChange.Moved, alert.State, now));
        }

        return changes;
    }

    private static NodeRecord ToRecord(AdminNode node, WKTWriter writer, int version) => new()
    {
        Code = node.Code,
        Name = node.Name,
        Level = node.Level,
        Kind = node.Kind,
        ParentCode = node.ParentCode,
        ResponsibleName = node.Responsible.Name,
        ResponsiblePhone = node.Responsible.Phone,
        Workers = [.. node.Workers],
        BoundaryWkt = writer.Write(node.Boundary),
        DivisionVersion = version,
    };

    private static void Update(NodeRecord record, AdminNode node, WKTWriter writer, int version)
    {
        record.Name = node.Name;
        record.Kind = node.Kind;
        record.ResponsibleName = node.Responsible.Name;
        record.ResponsiblePhone = node.Responsible.Phone;
        record.Workers = [.. node.Workers];
        record.BoundaryWkt = writer.Write(node.Boundary);
        record.DivisionVersion = version;
    }
}
