using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>
/// One INSERT or UPDATE prepared once and run per row inside the context's current transaction, for writing
/// thousands of rows: there <c>SaveChanges</c> spends far more on change tracking, SQL generation and batching than
/// SQLite spends writing. Table, columns and value conversions (Unix milliseconds, enums and Guids as text) come from
/// the DbContext's model, so a mapping change cannot leave it writing stale values.
/// </summary>
internal sealed class PreparedWrite<T> : IDisposable where T : class
{
    /// <summary>Rows per round trip of <see cref="InsertAllAsync"/>: an escalation storm's 10,000 audit entries go in ten, not one huge message.</summary>
    private const int RowsPerBatch = 1_000;

    private readonly DbCommand _command;
    private readonly Column[] _columns;

    /// <summary>The concurrency token's value as read, for an update; null for an insert.</summary>
    private readonly Column? _original;

    private PreparedWrite(DbCommand command, Column[] columns, Column? original, bool prepare = true)
    {
        _command = command;
        _columns = columns;
        _original = original;
        if (prepare)
        {
            _command.Prepare();
        }
    }

    /// <summary>
    /// Inserts every mapped column except a key SQLite generates: an integer primary key (the rowid). Keys EF generates
    /// on the client (Guids) are the row's own values and are written like any other.
    /// </summary>
    public static PreparedWrite<T> Insert(DbContext db) => Insert(db, prepare: true);

    private static PreparedWrite<T> Insert(DbContext db, bool prepare)
    {
        var (entity, table, command) = Start(db);
        var properties = entity.GetProperties().Where(p => !IsRowId(p)).ToList();
        var columns = properties.Select((p, i) => Column.For(command, p, $"@p{i}")).ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} "
            + $"({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) "
            + $"VALUES ({string.Join(", ", columns.Select(c => c.Parameter.ParameterName))})";
        return new PreparedWrite<T>(command, columns, null, prepare);
    }

    /// <summary>
    /// Sets <paramref name="properties"/> of the row with the same key, only while its concurrency token still holds
    /// the value read: the same guard <c>SaveChanges</c> applies, so a change made meanwhile is never overwritten.
    /// </summary>
    public static PreparedWrite<T> Update(DbContext db, IReadOnlyList<string> properties)
    {
        var (entity, table, command) = Start(db);
        var set = properties.Select(name => entity.FindProperty(name) ?? throw new InvalidOperationException($"{typeof(T).Name}.{name} is not mapped.")).ToList();
        var key = entity.FindPrimaryKey()!.Properties.Single();
        var token = entity.GetProperties().Single(p => p.IsConcurrencyToken);
        var columns = set.Append(key).Select((p, i) => Column.For(command, p, $"@p{i}")).ToArray();
        var original = Column.For(command, token, "@original");
        var sql = db.GetService<ISqlGenerationHelper>();
        string Name(IProperty p) => sql.DelimitIdentifier(p.GetColumnName(table)!);
        command.CommandText = $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} "
            + $"SET {string.Join(", ", set.Select((p, i) => $"{Name(p)} = {columns[i].Parameter.ParameterName}"))} "
            + $"WHERE {Name(key)} = {columns[^1].Parameter.ParameterName} AND {Name(token)} = {original.Parameter.ParameterName}";
        return new PreparedWrite<T>(command, columns, original);
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> in list order as <see cref="Insert(DbContext)"/> does, in as few round trips as the
    /// engine allows: where the connection can batch (PostgreSQL), every row goes in one <see cref="DbBatch"/>, so a
    /// batch of reports costs one network round trip instead of one per row inside the store's write lock; elsewhere
    /// (SQLite, in the process) through the one prepared statement.
    /// </summary>
    public static async Task InsertAllAsync(DbContext db, IReadOnlyList<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        if (!connection.CanCreateBatch)
        {
            using var insert = Insert(db);
            foreach (var row in rows)
            {
                insert.Insert(row);
            }

            return;
        }

        // The statement and its parameters' types come from the prepared form; each row gets its own copies of them.
        using var template = Insert(db, prepare: false);
        foreach (var chunk in rows.Chunk(RowsPerBatch))
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = template._command.Transaction;
            foreach (var row in chunk)
            {
                template.CheckSealed(row);
                var statement = batch.CreateBatchCommand();
                statement.CommandText = template._command.CommandText;
                foreach (var column in template._columns)
                {
                    statement.Parameters.Add(column.Copy(template._command, column.Getter.GetClrValueUsingContainingEntity(row)));
                }

                batch.BatchCommands.Add(statement);
            }

            try
            {
                await batch.ExecuteNonQueryAsync(ct);
            }
            catch (DbException error)
            {
                throw new DbUpdateException($"Writing a {typeof(T).Name} failed: {error.Message}", error);
            }
        }
    }

    private static bool IsRowId(IProperty property) =>
        property.IsPrimaryKey() && property.ValueGenerated != ValueGenerated.Never && (property.ClrType == typeof(long) || property.ClrType == typeof(int));

    public void Insert(T row)
    {
        if (_original is not null)
        {
            throw new InvalidOperationException("This statement is an update.");
        }

        CheckSealed(row);
        Bind(row);
        Execute();
    }

    private void CheckSealed(T row)
    {
        if (row is Core.Audit.AuditEntry { Hash: null })
        {
            // An entry written unsealed would break its trail for good: batches seal through AuditChains.InsertAsync.
            throw new InvalidOperationException("An audit entry is sealed into its trail before it is written (AuditChains.InsertAsync).");
        }
    }

    /// <summary>False when the row's concurrency token no longer holds <paramref name="originalToken"/> (nothing written).</summary>
    public bool TryUpdate(T row, object originalToken)
    {
        if (_original is not { } original)
        {
            throw new InvalidOperationException("This statement is an insert.");
        }

        Bind(row);
        original.Bind(originalToken);
        return Execute() == 1;
    }

    public void Dispose() => _command.Dispose();

    /// <summary>Fails as <c>SaveChanges</c> does: a store error (a constraint, a trigger) comes wrapped in a <see cref="DbUpdateException"/>.</summary>
    private int Execute()
    {
        try
        {
            return _command.ExecuteNonQuery();
        }
        catch (DbException error)
        {
            throw new DbUpdateException($"Writing a {typeof(T).Name} failed: {error.Message}", error);
        }
    }

    private void Bind(T row)
    {
        foreach (var column in _columns)
        {
            column.Bind(column.Getter.GetClrValueUsingContainingEntity(row));
        }
    }

    private static (IEntityType Entity, StoreObjectIdentifier Table, DbCommand Command) Start(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var transaction = db.Database.CurrentTransaction ?? throw new InvalidOperationException("A prepared write runs inside the context's transaction.");
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        return (entity, StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()), command);
    }

    /// <summary>A parameter configured once by the property's type mapping; each row only converts and sets its value.</summary>
    private sealed record Column(IClrPropertyGetter Getter, RelationalTypeMapping Mapping, bool Nullable, DbParameter Parameter)
    {
        public static Column For(DbCommand command, IProperty property, string name)
        {
            var mapping = property.GetRelationalTypeMapping();
            var parameter = mapping.CreateParameter(command, name, null, property.IsNullable);
            command.Parameters.Add(parameter);
            return new Column(property.GetGetter(), mapping, property.IsNullable, parameter);
        }

        public void Bind(object? value) => Parameter.Value = ToProvider(value);

        /// <summary>A parameter configured as this one, holding <paramref name="value"/>: for one statement of a batch.</summary>
        public DbParameter Copy(DbCommand command, object? value)
        {
            var copy = Mapping.CreateParameter(command, Parameter.ParameterName, null, Nullable);
            copy.Value = ToProvider(value);
            return copy;
        }

        private object ToProvider(object? value) =>
            (value is null || Mapping.Converter is null ? value : Mapping.Converter.ConvertToProvider(value)) ?? DBNull.Value;
    }
}
