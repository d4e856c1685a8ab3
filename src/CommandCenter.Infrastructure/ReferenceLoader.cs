using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace CommandCenter.Infrastructure;

/// <summary>
/// Loads <see cref="ReferenceData"/> from the store: at start-up, right after this process imported a map or saved a
/// policy, and whenever <see cref="ReferenceWatcher"/> sees that another process (the import-city command, another
/// server) stored a newer division or policy version.
/// </summary>
public sealed class ReferenceLoader(IDbContextFactory<CommandCenterDbContext> contexts, ReferenceData reference, ILogger<ReferenceLoader> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The stored versions the loaded data was read at.</summary>
    public ReferenceVersions Loaded { get; private set; } = ReferenceVersions.None;

    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var versions = await ReadVersionsAsync(db, ct);
            var reader = NewWktReader();
            var nodes = await db.Nodes.AsNoTracking().Where(n => n.RetiredInDivision == null).OrderBy(n => n.Code).ToListAsync(ct);
            var map = nodes.Count == 0 ? null : new CityMap(nodes.Select(n => ToNode(n, reader)));
            var categories = new CategoryTree((await db.Categories.AsNoTracking().ToListAsync(ct)).Select(c => new Category(c.Code, c.Name, c.ParentCode)));
            var policies = (await db.Policies.AsNoTracking().ToListAsync(ct)).Select(p => SeedReader.PolicyFromDocument(p.Document));
            reference.Load(map, categories, policies);
            Loaded = versions;
            logger.LogInformation("Reference data loaded: {Nodes} nodes (division v{Division}), {Categories} categories, policy v{PolicyVersion}",
                map?.Nodes.Count ?? 0, versions.Division, categories.All.Count, reference.CurrentPolicy.Version);
            if (map is null)
            {
                logger.LogInformation("No city map imported yet: import one with the import-city command or on the admin page /admin/city");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Reloads when the store holds a division or policy version this process has not loaded; true when it did. A new
    /// policy version alone swaps in the policies and keeps the map, so walls keep their loaded states.
    /// </summary>
    public async Task<bool> ReloadIfChangedAsync(CancellationToken ct = default)
    {
        ReferenceVersions stored;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            stored = await ReadVersionsAsync(db, ct);
        }

        if (stored == Loaded)
        {
            return false;
        }

        if (stored.Division == Loaded.Division)
        {
            await ReloadPoliciesAsync(ct);
        }
        else
        {
            await ReloadAsync(ct);
        }

        return true;
    }

    /// <summary>Loads every stored policy version, keeping the map and categories (an administrator saved one).</summary>
    public async Task ReloadPoliciesAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var versions = await ReadVersionsAsync(db, ct);
            var documents = await db.Policies.AsNoTracking().Select(p => p.Document).ToListAsync(ct);
            reference.ReplacePolicies(documents.Select(SeedReader.PolicyFromDocument));
            Loaded = Loaded with { Policy = versions.Policy };
            logger.LogInformation("Escalation policy versions loaded: newest v{PolicyVersion}", reference.CurrentPolicy.Version);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal static WKTReader NewWktReader() => new(new NtsGeometryServices(new PrecisionModel(), 4326));

    internal static AdminNode ToNode(NodeRecord n, WKTReader reader) => new(
        n.Code,
        n.Name,
        n.Level,
        n.Kind,
        n.ParentCode,
        new Person(n.ResponsibleName, n.ResponsiblePhone),
        n.Workers,
        reader.Read(n.BoundaryWkt));

    private static async Task<ReferenceVersions> ReadVersionsAsync(CommandCenterDbContext db, CancellationToken ct) => new(
        await db.Divisions.MaxAsync(d => (int?)d.Version, ct) ?? 0,
        await db.Policies.MaxAsync(p => (int?)p.Version, ct) ?? 0);
}

/// <summary>The newest division and policy versions in the store (0 when there is none).</summary>
public sealed record ReferenceVersions(int Division, int Policy)
{
    public static readonly ReferenceVersions None = new(-1, -1);
}

/// <summary>
/// Looks every <see cref="Interval"/> for a division or policy version stored by another process, so a map imported
/// with the command line while the server runs, or on another server, reaches this server's walls without a restart.
/// </summary>
public sealed class ReferenceWatcher(ReferenceLoader loader, TimeProvider time, ILogger<ReferenceWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A delay after each check rather than a periodic timer: a check that finds nothing costs one query, and a
        // clock that jumps (a test's, or a host waking from sleep) gets one check, not one per missed interval.
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, time, stoppingToken);
            try
            {
                await loader.ReloadIfChangedAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The loaded data stays as it is; the next check tries again.
                logger.LogWarning(ex, "Checking the store for a new division or policy version failed");
            }
        }
    }
}
