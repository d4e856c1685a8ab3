using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace CommandCenter.Infrastructure.Seeding;

/// <summary>
/// Brings the store up at start-up: applies migrations, validates and applies the seeds (idempotently: what is
/// already stored is left alone), then loads the reference data. A broken seed stops start-up with its reason.
/// Categories and the starting policy go into every store; the demo city and its teams only when asked for
/// (<see cref="StoreOptions.SeedDemoCity"/>), so a real city starts empty and imports its own map.
/// </summary>
public sealed class StoreInitializer(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    IOptions<StoreOptions> options,
    TimeProvider time,
    ILogger<StoreInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        var store = options.Value;
        Directory.CreateDirectory(store.DataDir);
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await db.Database.MigrateAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }

        var seed = await SeedReader.ReadAsync(store.SeedDir, ct);
        SeedValidator.EnsureValid(seed, store.SeedDir);
        await ApplySeedAsync(seed, ct);
        await LoadReferenceDataAsync(ct);
    }

    private async Task ApplySeedAsync(DemoSeed seed, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var writer = new WKTWriter();

        var knownNodes = await db.Nodes.Select(n => n.Code).ToHashSetAsync(ct);
        var newNodes = options.Value.SeedDemoCity ? seed.Nodes.Where(n => !knownNodes.Contains(n.Code)).ToList() : [];
        db.Nodes.AddRange(newNodes.Select(n => new NodeRecord
        {
            Code = n.Code,
            Name = n.Name,
            Level = n.Level,
            Kind = n.Kind,
            ParentCode = n.ParentCode,
            ResponsibleName = n.Responsible.Name,
            ResponsiblePhone = n.Responsible.Phone,
            Workers = [.. n.Workers],
            BoundaryWkt = writer.Write(n.Boundary),
        }));

        var knownCategories = await db.Categories.Select(c => c.Code).ToHashSetAsync(ct);
        var newCategories = seed.Categories.Where(c => !knownCategories.Contains(c.Code)).ToList();
        db.Categories.AddRange(newCategories.Select(c => new CategoryRecord { Code = c.Code, Name = c.Name, ParentCode = c.ParentCode }));

        var knownTeams = await db.Teams.Select(t => t.Code).ToHashSetAsync(ct);
        var newTeams = options.Value.SeedDemoCity ? seed.Teams.Where(t => !knownTeams.Contains(t.Code)).ToList() : [];
        db.Teams.AddRange(newTeams.Select(t => new Team(t.Code, t.Name, t.Type, t.Level, t.NodeCode, t.Members, t.Position, now)));

        var policyIsNew = !await db.Policies.AnyAsync(p => p.Version == seed.Policy.Version, ct);
        if (policyIsNew)
        {
            db.Policies.Add(new PolicyRecord
            {
                Version = seed.Policy.Version,
                Name = seed.Policy.Name,
                EffectiveFrom = seed.Policy.EffectiveFrom,
                Document = seed.PolicyDocument,
                LoadedAt = now,
            });
        }

        await db.SaveChangesAsync(ct);
        logger.LogInformation(
            "Seed applied: {NewNodes} nodes, {NewCategories} categories, {NewTeams} teams, {NewPolicies} policy versions added",
            newNodes.Count, newCategories.Count, newTeams.Count, policyIsNew ? 1 : 0);
    }

    private async Task LoadReferenceDataAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var reader = new WKTReader(new NtsGeometryServices(new PrecisionModel(), 4326));
        var nodes = await db.Nodes.AsNoTracking().Where(n => n.RetiredInDivision == null).OrderBy(n => n.Code).ToListAsync(ct);
        var map = nodes.Count == 0 ? null : new CityMap(nodes.Select(n => new AdminNode(
            n.Code,
            n.Name,
            n.Level,
            n.Kind,
            n.ParentCode,
            new Person(n.ResponsibleName, n.ResponsiblePhone),
            n.Workers,
            reader.Read(n.BoundaryWkt))));
        var categories = new CategoryTree((await db.Categories.AsNoTracking().ToListAsync(ct)).Select(c => new Category(c.Code, c.Name, c.ParentCode)));
        var policies = (await db.Policies.AsNoTracking().ToListAsync(ct)).Select(p => SeedReader.PolicyFromDocument(p.Document));
        reference.Load(map, categories, policies);
        logger.LogInformation("Reference data loaded: {Nodes} nodes, {Categories} categories, policy v{PolicyVersion}",
            map?.Nodes.Count ?? 0, categories.All.Count, reference.CurrentPolicy.Version);
        if (map is null)
        {
            logger.LogInformation("No city map imported yet: import one with the import-city command or on the admin page /admin/city");
        }
    }
}
