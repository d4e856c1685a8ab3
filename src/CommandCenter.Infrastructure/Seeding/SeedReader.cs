using System.Text.Json;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Policies;
using CommandCenter.Core.Teams;

namespace CommandCenter.Infrastructure.Seeding;

/// <summary>A team as seeded, before it exists in the store.</summary>
public sealed record TeamSeed(string Code, string Name, TeamType Type, NodeLevel Level, string NodeCode, GeoPoint? Position, IReadOnlyList<TeamMember> Members);

/// <summary>Everything in seeds/, read and converted to the domain's types.</summary>
public sealed record DemoSeed(
    IReadOnlyList<AdminNode> Nodes,
    IReadOnlyList<Category> Categories,
    IReadOnlyList<TeamSeed> Teams,
    EscalationPolicy Policy,
    string PolicyDocument);

/// <summary>Reads the seed files (city.geojson, categories.json, teams.json, policies.json) from a folder.</summary>
public static class SeedReader
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The demo city's map, in the GeoJSON a real city imports.</summary>
    public const string CityFile = "city.geojson";

    public static Task<DemoSeed> ReadAsync(string folder, CancellationToken ct = default) => ReadAsync(folder, withCity: true, ct);

    /// <param name="withCity">
    /// Read the city's map too: a start on a store that already has its city leaves it unread, since a large city's
    /// file is megabytes to parse and validate for nothing.
    /// </param>
    public static async Task<DemoSeed> ReadAsync(string folder, bool withCity, CancellationToken ct = default)
    {
        var city = withCity ? await ReadCityAsync(Path.Combine(folder, CityFile), ct) : [];
        var categories = await ReadFileAsync<CategoriesSeed>(folder, "categories.json", ct);
        var teams = await ReadFileAsync<TeamsSeed>(folder, "teams.json", ct);
        var policies = await ReadFileAsync<PoliciesSeed>(folder, "policies.json", ct);

        var categoryList = new List<Category>();
        foreach (var root in categories.Categories)
        {
            FlattenCategory(root, null, categoryList);
        }

        return new DemoSeed(
            city,
            categoryList,
            [.. teams.Teams.Select(ToTeam)],
            ToPolicy(policies.EscalationPolicy),
            JsonSerializer.Serialize(policies.EscalationPolicy, Json));
    }

    /// <summary>Builds the domain policy from its stored JSON document (the same shape as in policies.json).</summary>
    public static EscalationPolicy PolicyFromDocument(string document) =>
        ToPolicy(JsonSerializer.Deserialize<SeedPolicy>(document, Json) ?? throw new DomainRuleException("Empty policy document."));

    /// <summary>The seed's city through the importer's reader: a seed the importer would refuse stops start-up.</summary>
    private static async Task<IReadOnlyList<AdminNode>> ReadCityAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new DomainRuleException($"Seed file {path} is missing.");
        }

        await using var stream = File.OpenRead(path);
        var read = await Import.GeoJsonCityReader.ReadAsync(stream, ct);
        return read.Problems.Count == 0
            ? read.Nodes
            : throw new DomainRuleException($"Seed file {path} is not valid: {string.Join(" ", read.Problems.Select(p => $"{p.Subject}: {p.Message}"))}");
    }

    /// <summary>
    /// The stored JSON document of a policy, in the shape of policies.json (what <see cref="PolicyFromDocument"/>
    /// reads back): rules by category then severity, minutes as whole numbers.
    /// </summary>
    public static string DocumentOf(EscalationPolicy policy) => JsonSerializer.Serialize(
        new SeedPolicy(
            policy.Version,
            policy.Name,
            policy.EffectiveFrom,
            [.. policy.Ladder.Select(l => l.ToString())],
            policy.LateReportLimits.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToString(), kv => Minutes(kv.Value)),
            [.. policy.Rules
                .OrderBy(r => r.CategoryCode, StringComparer.Ordinal).ThenBy(r => r.Severity)
                .Select(r => new SeedDeadline(
                    r.CategoryCode, r.Severity.ToString(), Minutes(r.Deadlines.Acknowledge), Minutes(r.Deadlines.Dispatch),
                    Minutes(r.Deadlines.Handle), Minutes(r.Deadlines.Verify)))],
            new SeedPetitionPolicy(policy.FollowUpCadence.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToString(), kv => Minutes(kv.Value))),
            DocumentOf(policy.Notifications)),
        Json);

    private static SeedNotificationPolicy DocumentOf(NotificationPolicy rules) => new(
        rules.AlertRaised, rules.MinimumSeverity.ToString(), rules.Escalated, rules.PetitionWarning, rules.LateReportCharged,
        rules.SilentGrid, Minutes(rules.SilentGridAfter), rules.Reminders, Minutes(rules.RemindAfter), Minutes(rules.NextRungAfter));

    /// <summary>The section as written, each field it leaves out (or the whole section) taking the default.</summary>
    private static NotificationPolicy ToNotifications(SeedNotificationPolicy? seed)
    {
        var d = NotificationPolicy.Default;
        return seed is null ? d : new NotificationPolicy(
            seed.AlertRaised ?? d.AlertRaised,
            seed.MinimumSeverity is { } min ? ParseEnum<Severity>(min, "minimum severity to notify") : d.MinimumSeverity,
            seed.Escalated ?? d.Escalated,
            seed.PetitionWarning ?? d.PetitionWarning,
            seed.LateReportCharged ?? d.LateReportCharged,
            seed.SilentGrid ?? d.SilentGrid,
            seed.SilentGridAfterMinutes is { } silent ? TimeSpan.FromMinutes(silent) : d.SilentGridAfter,
            seed.Reminders ?? d.Reminders,
            seed.RemindAfterMinutes is { } remind ? TimeSpan.FromMinutes(remind) : d.RemindAfter,
            seed.NextRungAfterMinutes is { } next ? TimeSpan.FromMinutes(next) : d.NextRungAfter);
    }

    private static int Minutes(TimeSpan span) => (int)Math.Round(span.TotalMinutes);

    private static async Task<T> ReadFileAsync<T>(string folder, string name, CancellationToken ct)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            throw new DomainRuleException($"Seed file {path} is missing.");
        }

        await using var stream = File.OpenRead(path);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(stream, Json, ct)
                ?? throw new DomainRuleException($"Seed file {path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new DomainRuleException($"Seed file {path} is not valid: {ex.Message}");
        }
    }

    private static void FlattenCategory(SeedCategory seed, string? parentCode, List<Category> into)
    {
        into.Add(new Category(seed.Code, seed.Name, parentCode));
        foreach (var child in seed.Children ?? [])
        {
            FlattenCategory(child, seed.Code, into);
        }
    }

    private static TeamSeed ToTeam(SeedTeam seed) => new(
        seed.Code,
        seed.Name,
        ParseEnum<TeamType>(seed.Type, $"type of team {seed.Code}"),
        ParseEnum<NodeLevel>(seed.Level, $"level of team {seed.Code}"),
        seed.NodeCode,
        seed.Position is [var lon, var lat] ? new GeoPoint(lat, lon) : null,
        [.. seed.Members.Select(m => new TeamMember(m.Name, ParseEnum<MemberRole>(m.Role, $"role of {m.Name} in team {seed.Code}"), m.Phone))]);

    private static EscalationPolicy ToPolicy(SeedPolicy seed) => new(
        seed.Version,
        seed.Name,
        seed.EffectiveFrom,
        [.. seed.Ladder.Select(l => ParseEnum<NodeLevel>(l, "escalation ladder"))],
        seed.LateReportLimitMinutes.ToDictionary(kv => ParseEnum<Severity>(kv.Key, "late-report limit"), kv => TimeSpan.FromMinutes(kv.Value)),
        seed.Deadlines.Select(d => new DeadlineRule(
            d.Category,
            ParseEnum<Severity>(d.Severity, $"deadline for category {d.Category}"),
            new StageDeadlines(
                TimeSpan.FromMinutes(d.AcknowledgeMinutes),
                TimeSpan.FromMinutes(d.DispatchMinutes),
                TimeSpan.FromMinutes(d.HandleMinutes),
                TimeSpan.FromMinutes(d.VerifyMinutes)))),
        seed.Petition.FollowUpCadenceMinutes.ToDictionary(kv => ParseEnum<PetitionStage>(kv.Key, "petition follow-up cadence"), kv => TimeSpan.FromMinutes(kv.Value)),
        ToNotifications(seed.Notifications));

    private static T ParseEnum<T>(string value, string what) where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new DomainRuleException($"Unknown {what}: '{value}'. Expected one of {string.Join(", ", Enum.GetNames<T>())}.");
}
