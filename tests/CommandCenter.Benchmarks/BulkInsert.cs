using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Inserts entities far faster than <c>SaveChanges</c> (no change tracking, one prepared statement, one transaction)
/// while staying true to the product's mapping: table, columns and value conversions (Unix milliseconds, enums as
/// text, Guids as text) all come from the DbContext's model, so a schema change cannot leave it writing stale rows.
/// </summary>
public static class BulkInsert
{
    public static int Insert<T>(DbContext db, IEnumerable<T> rows) where T : class
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties()
            .Select(p => (Property: p, Column: p.GetColumnName(table), Mapping: p.GetRelationalTypeMapping()))
            .Where(c => c.Column is not null)
            .ToList();

        var connection = (SqliteConnection)db.Database.GetDbConnection();
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", columns.Select(c => $"\"{c.Column}\""))}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        var count = 0;
        foreach (var row in rows)
        {
            insert.Parameters.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                var (property, _, mapping) = columns[i];
                var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
                insert.Parameters.Add(mapping.CreateParameter(insert, $"$p{i}", value, property.IsNullable));
            }

            insert.ExecuteNonQuery();
            count++;
        }

        transaction.Commit();
        return count;
    }
}
