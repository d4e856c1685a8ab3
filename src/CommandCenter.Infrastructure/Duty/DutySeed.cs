using System.Text.Json;
using CommandCenter.Core;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Duty;

/// <summary>
/// The demo duty rosters (seeds/duty.json): <c>{ "rosters": [ { "nodeCode", "shifts", "rotation", "swaps" } ] }</c>,
/// each roster in the shape the store keeps it. Only nodes that exist and keep no roster yet get one, so a roster
/// edited on a demo is never put back; a roster the domain refuses stops start-up with its reason.
/// </summary>
public static class DutySeed
{
    public const string File = "duty.json";

    public static async Task ApplyAsync(IDbContextFactory<CommandCenterDbContext> contexts, string seedDir, DateTimeOffset now, ILogger logger, CancellationToken ct)
    {
        var path = Path.Combine(seedDir, File);
        if (!System.IO.File.Exists(path))
        {
            // A generated city for scale tests comes without rosters: its walls simply show nobody on duty.
            logger.LogInformation("No demo duty rosters: {SeedFile} is not there", path);
            return;
        }

        var rosters = new List<DutyRosterRecord>();
        try
        {
            using var json = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(path, ct));
            foreach (var element in json.RootElement.GetProperty("rosters").EnumerateArray())
            {
                var nodeCode = element.GetProperty("nodeCode").GetString() ?? throw new JsonException("A roster has no nodeCode.");
                var document = DutyRosterDocument.Parse(element.GetRawText());
                var roster = (document with { Swaps = document.Swaps ?? [] }).ToRoster(nodeCode);
                var checkedDocument = DutyRosterDocument.Of(roster);
                rosters.Add(new DutyRosterRecord { NodeCode = nodeCode, Document = checkedDocument.ToJson(), Version = 1, UpdatedAt = now, UpdatedBy = "demo" });
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or DomainRuleException)
        {
            throw new DomainRuleException($"Seed file {path} is not valid: {ex.Message}");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var nodes = await db.Nodes.Where(n => n.RetiredInDivision == null).Select(n => n.Code).ToHashSetAsync(ct);
        var kept = await db.DutyRosters.Select(r => r.NodeCode).ToHashSetAsync(ct);
        var added = rosters.Where(r => nodes.Contains(r.NodeCode) && !kept.Contains(r.NodeCode)).ToList();
        db.DutyRosters.AddRange(added);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Demo duty rosters applied: {NewRosters} added", added.Count);
    }
}
