using System.Data.Common;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>
/// The 2-second escalation scan must read only alerts not yet escalated: SQLite has to pick the partial index
/// <c>IX_Alerts_EscalationDue</c> for the scan's own query (a reworded condition would silently fall back to reading
/// the whole overdue backlog on every run).
/// </summary>
public sealed class EscalationScanPlanTests
{
    [Fact]
    public async Task Due_TheScansQuery_IsAnsweredFromThePartialIndex()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await using var db = host.NewDbContext();
        var query = EscalationService.Due(db.Alerts, host.Time.GetUtcNow()).ToQueryString();

        var plan = await ExplainAsync(db, query);

        Assert.Contains("IX_Alerts_EscalationDue", plan, StringComparison.Ordinal);
    }

    /// <summary>EXPLAIN QUERY PLAN for EF's query text: its <c>.param set</c> lines become bound parameters.</summary>
    private static async Task<string> ExplainAsync(DbContext db, string queryString)
    {
        var lines = queryString.Split('\n');
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        foreach (var line in lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)))
        {
            var parts = line[".param set ".Length..].Trim().Split(' ', 2);
            var parameter = command.CreateParameter();
            parameter.ParameterName = parts[0];
            parameter.Value = long.TryParse(parts[1], out var number) ? number : parts[1].Trim('\'');
            command.Parameters.Add(parameter);
        }

        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lines.Where(l => !l.StartsWith(".param set ", StringComparison.Ordinal)));
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return string.Join(" | ", plan);
    }
}
