using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Backup;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Tests.Backup;

/// <summary>
/// Backup and restore of a data directory's SQLite files: a backup is a consistent snapshot taken while writers go on,
/// and a restore checks the whole backup and its target before it writes anything. SQLite only (the PostgreSQL suite
/// leaves this folder out): on PostgreSQL both refuse and point at pg_dump.
/// </summary>
public sealed class DataDirectoryBackupTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("cc-backup");
    private StoreHost _host = null!;

    private string DataDir => Path.Combine(_dir.Path, "data");

    private string BackupDir => Path.Combine(_dir.Path, "backup");

    private string RestoredDir => Path.Combine(_dir.Path, "restored");

    public async Task InitializeAsync()
    {
        _host = await StoreHost.StartAsync(DataDir);
        await _host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(DemoCity.GridCode(0, 0, 1), "before-1"), Actors.Hotline);
        _host.Get<MetricsDatabase>().Open().Dispose(); // metrics.db, as a server's first metric point makes it
        using var jobs = new SqliteConnection($"Data Source={Path.Combine(DataDir, StoreOptions.JobsFile)};Pooling=False");
        jobs.Open();
        using var create = jobs.CreateCommand();
        create.CommandText = "CREATE TABLE QRTZ_LOCKS (SCHED_NAME TEXT, LOCK_NAME TEXT); INSERT INTO QRTZ_LOCKS VALUES ('s', 'TRIGGER_ACCESS');";
        create.ExecuteNonQuery();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task BackupAsync_ThenRestoreAsync_PutsTheSameThreeFilesIntoAnEmptyDataDirectory()
    {
        var manifest = await Backup(DataDir).BackupAsync(BackupDir);
        var restored = await Backup(RestoredDir).RestoreAsync(BackupDir);

        string[] files = [StoreOptions.StoreFile, StoreOptions.JobsFile, StoreOptions.MetricsFile];
        Assert.Equal(files, manifest.Files.Select(f => f.Name));
        Assert.Equal( // one file each, closed: no -wal or -shm beside them
            files.Append(BackupManifest.FileName).Order(StringComparer.Ordinal),
            Directory.GetFiles(BackupDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(files.Order(StringComparer.Ordinal), Directory.GetFiles(RestoredDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(manifest.Files, f => Assert.Equal(f.Sha256, Sha256(Path.Combine(BackupDir, f.Name))));
        Assert.All(manifest.Files, f => Assert.Equal(f.Sha256, Sha256(Path.Combine(RestoredDir, f.Name))));
        Assert.Equal(manifest.Files, restored.Files);
        Assert.Equal(manifest with { Files = [] }, restored with { Files = [] });
        await using var db = _host.NewDbContext();
        Assert.Equal(db.Database.GetAppliedMigrations().Last(), manifest.StoreMigration);
        Assert.Equal(MetricsDatabase.SchemaVersion, manifest.MetricsSchemaVersion);
        Assert.Equal(DataDir, manifest.SourceDataDir);
        Assert.Equal(_host.Time.GetUtcNow(), manifest.StartedAt);

        await using var copy = OpenStore(RestoredDir);
        Assert.Equal("before-1", (await copy.Alerts.SingleAsync()).ExternalId);
        Assert.Equal(await db.AuditEntries.CountAsync(), await copy.AuditEntries.CountAsync());
        Assert.Equal(await db.Nodes.CountAsync(), await copy.Nodes.CountAsync());
    }

    [Fact]
    public async Task BackupAsync_WhileReportsAreStored_CopiesExactlyTheTransactionsCommittedBeforeItsSnapshot()
    {
        var ingestion = _host.Get<AlertIngestionService>();
        using var stop = new CancellationTokenSource();
        var committed = 0;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await ingestion.IngestAsync(Reports.InGrid(DemoCity.GridCode(i % 6, i / 6 % 5, 1 + (i / 30 % 10)), $"during-{i}"), Actors.Hotline);
                Interlocked.Increment(ref committed);
            }
        });
        while (Volatile.Read(ref committed) < 20)
        {
            await Task.Delay(10);
        }

        var before = Volatile.Read(ref committed);
        await Backup(DataDir).BackupAsync(BackupDir);
        var after = Volatile.Read(ref committed);
        while (Volatile.Read(ref committed) < after + 2)
        {
            await Task.Delay(10); // report after + 1 began after the backup ended: the source has it, the copy cannot
        }

        await stop.CancelAsync();
        await writer;

        await Backup(RestoredDir).RestoreAsync(BackupDir);
        await using var source = _host.NewDbContext();
        await using var copy = OpenStore(RestoredDir);
        var restored = await copy.AuditEntries.OrderBy(e => e.Id).Select(e => new { e.Id, e.SubjectId, e.Action }).ToListAsync();
        var last = restored[^1].Id;
        var sourceUpToSnapshot = await source.AuditEntries.Where(e => e.Id <= last).OrderBy(e => e.Id).Select(e => new { e.Id, e.SubjectId, e.Action }).ToListAsync();
        Assert.Equal(sourceUpToSnapshot, restored); // a prefix of the commit order, without holes
        // One writer, one report at a time: when the backup ended, report number `after` may have been committed but
        // not yet counted, and none later had begun.
        var reports = await copy.AlertReports.CountAsync(r => r.ExternalId.StartsWith("during-"));
        Assert.InRange(reports, before, after + 1);
        Assert.True(await source.AlertReports.CountAsync(r => r.ExternalId.StartsWith("during-")) >= after + 2);
    }

    [Fact]
    public async Task BackupAsync_IntoAFolderThatIsNotEmpty_IsRefused_AndWritesNothing()
    {
        Directory.CreateDirectory(BackupDir);
        await File.WriteAllTextAsync(Path.Combine(BackupDir, "notes.txt"), "keep me");
        var before = Fingerprint(BackupDir);

        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(DataDir).BackupAsync(BackupDir));

        Assert.Contains("not an empty folder", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(BackupDir));
    }

    [Fact]
    public async Task BackupAsync_IntoAFolderInsideTheDataDirectory_IsRefused()
    {
        var inside = Path.Combine(DataDir, "backup");

        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(DataDir).BackupAsync(inside));

        Assert.Contains("inside the data directory", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(inside));
    }

    [Fact]
    public async Task BackupAsync_OfADataDirectoryWithoutAStore_IsRefused_AndCreatesNoFolder()
    {
        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(Path.Combine(_dir.Path, "nothing-here")).BackupAsync(BackupDir));

        Assert.Contains("no store at", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(BackupDir));
    }

    [Fact]
    public async Task BackupAsync_OfAFileThatIsNotADatabase_IsRefused_AndLeavesNoPartialBackup()
    {
        var broken = Path.Combine(_dir.Path, "broken");
        Directory.CreateDirectory(broken);
        await File.WriteAllTextAsync(Path.Combine(broken, StoreOptions.StoreFile), "this is not SQLite, though it is long enough to have a header of a hundred bytes or so.");

        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(broken).BackupAsync(BackupDir));

        Assert.Contains("cannot be copied", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(BackupDir));
    }

    [Fact]
    public async Task BackupAsync_OnPostgreSQL_IsRefused_PointingAtPgDump()
    {
        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(DataDir, StoreProvider.PostgreSQL).BackupAsync(BackupDir));

        Assert.Contains("pg_dump", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(BackupDir));
    }

    [Fact]
    public async Task RestoreAsync_OnPostgreSQL_IsRefused_PointingAtPgRestore()
    {
        await Backup(DataDir).BackupAsync(BackupDir);

        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(RestoredDir, StoreProvider.PostgreSQL).RestoreAsync(BackupDir));

        Assert.Contains("pg_restore", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(RestoredDir));
    }

    [Fact]
    public async Task RestoreAsync_IntoADataDirectoryThatIsNotEmpty_IsRefused_AndChangesNothing()
    {
        await Backup(DataDir).BackupAsync(BackupDir);
        Directory.CreateDirectory(RestoredDir);
        await File.WriteAllTextAsync(Path.Combine(RestoredDir, StoreOptions.StoreFile), "another server's store");
        await File.WriteAllTextAsync(Path.Combine(RestoredDir, "notes.txt"), "keep me");
        var before = Fingerprint(RestoredDir);

        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(RestoredDir).RestoreAsync(BackupDir));

        Assert.Contains("is not empty (it holds commandcenter.db, notes.txt)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(RestoredDir));
    }

    [Fact]
    public async Task RestoreAsync_IntoADataDirectoryHoldingOnlyLogs_Restores()
    {
        await Backup(DataDir).BackupAsync(BackupDir);
        Directory.CreateDirectory(Path.Combine(RestoredDir, "logs"));

        await Backup(RestoredDir).RestoreAsync(BackupDir);

        Assert.True(File.Exists(Path.Combine(RestoredDir, StoreOptions.StoreFile)));
    }

    [Fact]
    public async Task RestoreAsync_FromAFolderThatIsNotABackup_IsRefused_AndChangesNothing()
    {
        Directory.CreateDirectory(BackupDir);
        File.Copy(Path.Combine(DataDir, StoreOptions.StoreFile), Path.Combine(BackupDir, StoreOptions.StoreFile));

        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(RestoredDir).RestoreAsync(BackupDir));

        Assert.Contains($"is not a backup: it has no {BackupManifest.FileName}", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(RestoredDir));
    }

    [Fact]
    public async Task RestoreAsync_FromAFolderThatDoesNotExist_IsRefused()
    {
        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(RestoredDir).RestoreAsync(BackupDir));

        Assert.Contains("does not exist", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(RestoredDir));
    }

    [Fact]
    public async Task RestoreAsync_OfAFileThatDoesNotMatchItsChecksum_IsRefused_AndChangesNothing()
    {
        await Backup(DataDir).BackupAsync(BackupDir);
        var jobs = Path.Combine(BackupDir, StoreOptions.JobsFile);
        var bytes = await File.ReadAllBytesAsync(jobs);
        bytes[^1] ^= 0xFF; // one flipped byte, same length
        await File.WriteAllBytesAsync(jobs, bytes);

        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(RestoredDir).RestoreAsync(BackupDir));

        Assert.Contains($"is damaged: {StoreOptions.JobsFile} does not match its checksum", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(RestoredDir));
    }

    [Fact]
    public async Task RestoreAsync_OfABackupMissingAFile_IsRefused_AndChangesNothing()
    {
        await Backup(DataDir).BackupAsync(BackupDir);
        File.Delete(Path.Combine(BackupDir, StoreOptions.MetricsFile));
        Directory.CreateDirectory(RestoredDir);

        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(RestoredDir).RestoreAsync(BackupDir));

        Assert.Contains($"is incomplete: {StoreOptions.MetricsFile} is missing", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(RestoredDir));
    }

    [Fact]
    public async Task RestoreAsync_OfAManifestThatIsNotJson_IsRefused()
    {
        await Backup(DataDir).BackupAsync(BackupDir);
        await File.WriteAllTextAsync(Path.Combine(BackupDir, BackupManifest.FileName), "{ \"format\": 1, ");

        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(RestoredDir).RestoreAsync(BackupDir));

        Assert.Contains("cannot be read", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.False(Directory.Exists(RestoredDir));
    }

    [Theory]
    [InlineData("files", 0, "name", "../commandcenter.db", "which is not a file of a data directory")]
    [InlineData("storeMigration", -1, null, "29991231000000_FromTheFuture", "which this build does not know")]
    [InlineData("metricsSchemaVersion", -1, null, "99", "this build knows up to")]
    [InlineData("product", -1, null, "SomethingElse", "is not a CommandCenter backup manifest")]
    public async Task RestoreAsync_OfAManifestThisBuildCannotTrust_IsRefused_AndChangesNothing(string property, int index, string? inner, string value, string reason)
    {
        await Backup(DataDir).BackupAsync(BackupDir);
        var path = Path.Combine(BackupDir, BackupManifest.FileName);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        JsonNode node = value.All(char.IsAsciiDigit) ? JsonValue.Create(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(value);
        if (inner is null)
        {
            manifest[property] = node;
        }
        else
        {
            manifest[property]![index]![inner] = node;
        }

        await File.WriteAllTextAsync(path, manifest.ToJsonString());

        var refused = await Assert.ThrowsAsync<BackupRefusedException>(() => Backup(RestoredDir).RestoreAsync(BackupDir));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(RestoredDir));
    }

    /// <summary>The service as a host on <paramref name="dataDir"/> has it; the factory only answers which migrations this build has.</summary>
    private DataDirectoryBackup Backup(string dataDir, StoreProvider provider = StoreProvider.Sqlite) => new(
        Options.Create(new StoreOptions { DataDir = dataDir, SeedDir = DemoCity.SeedDir, Provider = provider, PostgreSqlConnectionString = "Host=nowhere" }),
        _host.Get<IDbContextFactory<CommandCenterDbContext>>(),
        _host.Time);

    private static CommandCenterDbContext OpenStore(string dataDir) =>
        new(new DbContextOptionsBuilder<CommandCenterDbContext>().UseSqlite($"Data Source={Path.Combine(dataDir, StoreOptions.StoreFile)};Pooling=False").Options);

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Every file under <paramref name="dir"/> with its checksum: equal before and after means nothing changed.</summary>
    private static SortedDictionary<string, string> Fingerprint(string dir) =>
        new(Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), Sha256), StringComparer.Ordinal);
}
