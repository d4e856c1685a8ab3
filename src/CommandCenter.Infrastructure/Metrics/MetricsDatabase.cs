using System.Text.Encodings.Web;
using System.Text.Json;
using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Metrics;

/// <summary>
/// <c>metrics.db</c> in the data directory: the embedded store's points and the InfluxDB outbox. Its own file, not a
/// table in the operational store, so a second of metric writes never holds the write lock that alert ingestion and
/// the workflow wait for, and millions of points never bloat the operational store's backups.
/// </summary>
/// <remarks>
/// Plain SQL rather than EF Core: bulk inserts of 5,000 rows and grouped <c>json_extract</c> aggregates are what this
/// file does, and neither gains from change tracking. The schema carries its version in <c>PRAGMA user_version</c>.
/// </remarks>
public sealed class MetricsDatabase(IOptions<StoreOptions> store)
{
    /// <summary>The schema this code reads and writes.</summary>
    internal const int SchemaVersion = 3;

    private static readonly JsonSerializerOptions _json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    public string Path => System.IO.Path.Combine(store.Value.DataDir, StoreOptions.MetricsFile);

    private string ConnectionString => $"Data Source={Path};Cache=Private;Pooling=True;Default Timeout={LockWaits.Seconds}";

    /// <summary>An open connection, the schema created on first use.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            connection.Open();
            connection.WaitForLocks();
            if (!_schemaReady)
            {
                _schemaLock.Wait();
                try
                {
                    if (!_schemaReady)
                    {
                        EnsureSchema(connection);
                        _schemaReady = true;
                    }
                }
                finally
                {
                    _schemaLock.Release();
                }
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The outbox's writer number and the store's registration it holds it by, if it has one (see <see cref="InfluxDB.OutboxWriter"/>).</summary>
    public KeptWriter? KeptWriter()
    {
        using var connection = Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT Number, Registration FROM OutboxWriter";
        using var reader = select.ExecuteReader();
        return reader.Read() ? new KeptWriter(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1)) : null;
    }

    /// <summary>
    /// Keeps <paramref name="writer"/> in place of <paramref name="replacing"/> (null: none yet) unless another process
    /// sharing the data directory changed it first; returns the one kept either way.
    /// </summary>
    public KeptWriter KeepWriter(KeptWriter writer, KeptWriter? replacing)
    {
        using var connection = Open();
        using var keep = connection.CreateCommand();
        keep.CommandText = replacing is null
            ? "INSERT OR IGNORE INTO OutboxWriter (Only, Number, Registration) VALUES (1, $number, $registration)"
            : "UPDATE OutboxWriter SET Number = $number, Registration = $registration WHERE Number = $was AND Registration IS $wasRegistration";
        keep.Parameters.AddWithValue("$number", writer.Number);
        keep.Parameters.AddWithValue("$registration", (object?)writer.Registration ?? DBNull.Value);
        keep.Parameters.AddWithValue("$was", (object?)replacing?.Number ?? DBNull.Value);
        keep.Parameters.AddWithValue("$wasRegistration", (object?)replacing?.Registration ?? DBNull.Value);
        keep.ExecuteNonQuery();
        return KeptWriter()!;
    }

    internal static string TagsJson(MetricPoint point) => JsonSerializer.Serialize(point.Tags, _json);

    internal static string FieldsJson(MetricPoint point) => JsonSerializer.Serialize(point.Fields, _json);

    /// <summary>A point back from the columns written by <see cref="AddRowParameters"/>.</summary>
    internal static MetricPoint ReadPoint(string measurement, long timeMs, string tags, string fields) => new(
        measurement,
        JsonSerializer.Deserialize<Dictionary<string, string>>(tags, _json)!,
        JsonSerializer.Deserialize<Dictionary<string, double>>(fields, _json)!,
        DateTimeOffset.FromUnixTimeMilliseconds(timeMs));

    /// <summary>An INSERT of one point into <paramref name="table"/>, prepared once and run per point with <see cref="Bind"/>.</summary>
    internal static SqliteCommand InsertCommand(SqliteConnection connection, SqliteTransaction transaction, string table)
    {
        var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO {table} (Measurement, Time, Tags, Fields) VALUES ($measurement, $time, $tags, $fields)";
        AddRowParameters(insert);
        return insert;
    }

    internal static void Bind(SqliteCommand insert, MetricPoint point)
    {
        insert.Parameters["$measurement"].Value = point.Measurement;
        insert.Parameters["$time"].Value = point.Timestamp.ToUnixTimeMilliseconds();
        insert.Parameters["$tags"].Value = TagsJson(point);
        insert.Parameters["$fields"].Value = FieldsJson(point);
    }

    private static void AddRowParameters(SqliteCommand insert)
    {
        insert.Parameters.Add("$measurement", SqliteType.Text);
        insert.Parameters.Add("$time", SqliteType.Integer);
        insert.Parameters.Add("$tags", SqliteType.Text);
        insert.Parameters.Add("$fields", SqliteType.Text);
    }

    private void EnsureSchema(SqliteConnection connection)
    {
        using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        var current = Convert.ToInt32(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (current > SchemaVersion)
        {
            throw new InvalidOperationException($"{Path} has metric schema version {current}; this build knows up to {SchemaVersion}. Run the newer build or move the file away.");
        }

        if (current == SchemaVersion)
        {
            return;
        }

        using var create = connection.CreateCommand();
        create.CommandText = current == 2 ? $"""
            BEGIN IMMEDIATE;
            -- Version 3: the store's registration the writer number is held by, so a lapsed one is noticed.
            ALTER TABLE OutboxWriter ADD COLUMN Registration INTEGER;
            PRAGMA user_version = {SchemaVersion};
            COMMIT;
            """ : $"""
            PRAGMA journal_mode=WAL;
            BEGIN IMMEDIATE;
            -- The embedded store: one row per point, tags and fields as JSON objects.
            CREATE TABLE IF NOT EXISTS MetricPoints (
                Id INTEGER PRIMARY KEY,
                Measurement TEXT NOT NULL,
                Time INTEGER NOT NULL,
                Tags TEXT NOT NULL,
                Fields TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS IX_MetricPoints_Measurement_Time ON MetricPoints (Measurement, Time);
            -- Points waiting for InfluxDB. AUTOINCREMENT: an Id is never reused, even after the newest row is deleted,
            -- because it becomes part of the point's identity in InfluxDB.
            CREATE TABLE IF NOT EXISTS MetricOutbox (
                Id INTEGER PRIMARY KEY AUTOINCREMENT,
                Measurement TEXT NOT NULL,
                Time INTEGER NOT NULL,
                Tags TEXT NOT NULL,
                Fields TEXT NOT NULL);
            -- The outbox's writer number and the store's registration it holds it by (one row at most).
            CREATE TABLE IF NOT EXISTS OutboxWriter (
                Only INTEGER PRIMARY KEY CHECK (Only = 1),
                Number INTEGER NOT NULL,
                Registration INTEGER);
            PRAGMA user_version = {SchemaVersion};
            COMMIT;
            """;
        create.ExecuteNonQuery();
    }
}

/// <summary>An outbox's writer number and the id of the store's registration that holds it (null in files from before registrations were leased).</summary>
public sealed record KeptWriter(int Number, int? Registration);
