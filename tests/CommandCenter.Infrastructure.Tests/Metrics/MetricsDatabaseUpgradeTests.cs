using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Testing;
using Microsoft.Data.Sqlite;

namespace CommandCenter.Infrastructure.Tests.Metrics;

/// <summary>A <c>metrics.db</c> of version 1 (before outboxes had writer numbers) is upgraded in place, its undelivered points kept.</summary>
public sealed class MetricsDatabaseUpgradeTests : IDisposable
{
    private readonly TempDirectory _dir = new("cc-metrics");

    [Fact]
    public void AVersion1File_GetsItsWriterNumberTable_AndKeepsTheOutboxRows()
    {
        using (var v1 = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, "metrics.db")};Pooling=False"))
        {
            v1.Open();
            using var create = v1.CreateCommand();
            create.CommandText = """
                CREATE TABLE MetricPoints (Id INTEGER PRIMARY KEY, Measurement TEXT NOT NULL, Time INTEGER NOT NULL, Tags TEXT NOT NULL, Fields TEXT NOT NULL);
                CREATE TABLE MetricOutbox (Id INTEGER PRIMARY KEY AUTOINCREMENT, Measurement TEXT NOT NULL, Time INTEGER NOT NULL, Tags TEXT NOT NULL, Fields TEXT NOT NULL);
                INSERT INTO MetricOutbox (Measurement, Time, Tags, Fields) VALUES ('alert_events', 1796000000000, '{}', '{"count":1}');
                PRAGMA user_version = 1;
                """;
            create.ExecuteNonQuery();
        }

        var database = new MetricsDatabase(Microsoft.Extensions.Options.Options.Create(new StoreOptions { DataDir = _dir.Path, SeedDir = DemoCity.SeedDir }));

        Assert.Null(database.KeptWriter());
        Assert.Equal(new KeptWriter(3, 4), database.KeepWriter(new KeptWriter(3, 4), null));
        using var connection = database.Open();
        Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM MetricOutbox"));
        Assert.Equal((long)MetricsDatabase.SchemaVersion, Scalar(connection, "PRAGMA user_version"));
    }

    public void Dispose() => _dir.Dispose();

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
