using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests;

/// <summary>What SQLite plans to do for a query EF generates.</summary>
internal static class QueryPlans
{
    /// <summary>EXPLAIN QUERY PLAN for EF's query text: its <c>.param set</c> lines become bound parameters.</summary>
    public static async Task<string> ExplainAsync(DbContext db, string queryString)
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
