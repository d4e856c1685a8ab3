using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests;

/// <summary>What SQLite plans to do for a query EF generates.</summary>
internal static class QueryPlans
{
    /// <summary>EXPLAIN QUERY PLAN for EF's query text: its <c>.param set</c> lines become bound parameters.</summary>
    public static Task<string> ExplainAsync(DbContext db, string queryString)
    {
        var lines = queryString.Split('\n');
        var parameters = lines
            .Where(l => l.StartsWith(".param set ", StringComparison.Ordinal))
            .Select(l => l[".param set ".Length..].Trim().Split(' ', 2))
            .Select(parts => (parts[0], (object?)(long.TryParse(parts[1], out var number) ? number : parts[1].Trim('\''))))
            .ToList();
        var text = string.Join('\n', lines.Where(l => !l.StartsWith(".param set ", StringComparison.Ordinal)));
        return ExplainAsync(db, new Command(text, parameters));
    }

    /// <summary>EXPLAIN QUERY PLAN for a command as it was sent, with the values it was sent with.</summary>
    public static async Task<string> ExplainAsync(DbContext db, Command sent)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        foreach (var (name, value) in sent.Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        command.CommandText = "EXPLAIN QUERY PLAN " + sent.Text;
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return string.Join(" | ", plan);
    }

    public sealed record Command(string Text, IReadOnlyList<(string Name, object? Value)> Parameters);
}
