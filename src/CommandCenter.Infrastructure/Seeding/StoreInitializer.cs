using CommandCenter.Core;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Seeding;

/// <summary>
/// Brings the store up at start-up: applies migrations, validates and applies the seeds (idempotently: what is
/// already stored is left alone), then loads the reference data. A broken seed stops start-up with its reason.
/// Categories and the starting policy go into every store; the demo city and its teams only when asked for
/// (<see cref="StoreOptions.SeedDemoCity"/>), so a real city starts empty and imports its own map. The first start
/// after the audit trail was chained seals the entries written before it (<see cref="Audit.AuditSealing"/>).
/// </summary>
public sealed class StoreInitializer(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceLoader loader,
    Import.CityImporter importer,
    IOptions<StoreOptions> options,
    TimeProvider time,
    ILogger<StoreInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        var store = options.Value;
        Directory.CreateDirectory(store.DataDir);
        bool needsCity;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await db.Database.MigrateAsync(ct);
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }

            needsCity = store.SeedDemoCity && !await db.Nodes.AnyAsync(ct);
        }

        // Before anything writes: new entries link to the heads of trails that must already be sealed.
        await Audit.AuditSealing.SealOnceAsync(contexts, time, logger, ct);

        // The demo city's map is read and checked only when it is about to be imported, not on every start.
        var seed = await SeedReader.ReadAsync(store.SeedDir, needsCity, ct);
        SeedValidator.EnsureValid(seed, store.SeedDir, needsCity);
        await ApplySeedAsync(seed, ct);
        await loader.ReloadAsync(ct);
    }

    private async Task ApplySeedAsync(DemoSeed seed, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        int newCategoryCount;
        bool policyIsNew;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var knownCategories = await db.Categories.Select(c => c.Code).ToHashSetAsync(ct);
            var newCategories = seed.Categories.Where(c => !knownCategories.Contains(c.Code)).ToList();
            db.Categories.AddRange(newCategories.Select(c => new CategoryRecord { Code = c.Code, Name = c.Name, ParentCode = c.ParentCode }));
            newCategoryCount = newCategories.Count;

            policyIsNew = !await db.Policies.AnyAsync(p => p.Version == seed.Policy.Version, ct);
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
        }

        var (newNodes, newTeams) = options.Value.SeedDemoCity ? await ApplyDemoCityAsync(seed, now, ct) : (0, 0);
        logger.LogInformation(
            "Seed applied: {NewNodes} nodes, {NewCategories} categories, {NewTeams} teams, {NewPolicies} policy versions added",
            newNodes, newCategoryCount, newTeams, policyIsNew ? 1 : 0);
        if (options.Value.SeedDemoDutyRosters)
        {
            await Duty.DutySeed.ApplyAsync(contexts, options.Value.SeedDir, now, logger, ct);
        }
    }

    /// <summary>
    /// The demo city goes in through the importer a real city uses, as division version 1 of a store that has no
    /// city yet, so the demo proves the import path on every fresh start; then its teams.
    /// </summary>
    private async Task<(int Nodes, int Teams)> ApplyDemoCityAsync(DemoSeed seed, DateTimeOffset now, CancellationToken ct)
    {
        bool hasCity;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            hasCity = await db.Nodes.AnyAsync(ct);
        }

        var nodes = 0;
        if (!hasCity)
        {
            await using var city = File.OpenRead(Path.Combine(options.Value.SeedDir, SeedReader.CityFile));
            var outcome = await importer.ApplyAsync(city, $"seeds/{SeedReader.CityFile}", Actor.System("demo"), ct);
            if (!outcome.IsValid)
            {
                throw new DomainRuleException($"The demo city does not import: {string.Join(" ", outcome.Lines())}");
            }

            nodes = outcome.Diff?.Added.Count ?? 0;
        }

        await using var teams = await contexts.CreateDbContextAsync(ct);
        var stored = await teams.Nodes.Where(n => n.RetiredInDivision == null).Select(n => n.Code).ToHashSetAsync(ct);
        var knownTeams = await teams.Teams.Select(t => t.Code).ToHashSetAsync(ct);
        var newTeams = seed.Teams.Where(t => !knownTeams.Contains(t.Code) && stored.Contains(t.NodeCode)).ToList();
        teams.Teams.AddRange(newTeams.Select(t => new Team(t.Code, t.Name, t.Type, t.Level, t.NodeCode, t.Members, t.Position, now)));
        await teams.SaveChangesAsync(ct);
        return (nodes, newTeams.Count);
    }
}
