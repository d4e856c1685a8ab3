using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Backup;

/// <summary>A backup or restore that cannot go ahead. The message is the one-line reason; nothing was changed.</summary>
public sealed class BackupRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Backup and restore of the data directory's three SQLite files — the store, the job store and the metric store —
/// while a server keeps writing to them. Each file is copied with SQLite's online backup API in one step, that is in
/// one read transaction: a consistent snapshot of that file, taken without stopping its writers (WAL).
/// </summary>
/// <remarks>
/// The store is copied first, so its snapshot is the one closest to the moment the backup began; it is the record
/// (alerts, audit trail, users, keys). <c>jobs.db</c> and <c>metrics.db</c> follow, each a snapshot of its own a few
/// milliseconds later: the job store says only when each scan runs next (every scan catches up on start and decides
/// from the store), and metric points are observations, not records. Restore checks the whole backup before it
/// writes, then puts every file in place under a temporary name first.
/// </remarks>
public sealed class DataDirectoryBackup(IOptions<StoreOptions> options, IDbContextFactory<CommandCenterDbContext> contexts, TimeProvider time)
{
    /// <summary>The files a backup can hold, in the order they are copied. Only the store must exist.</summary>
    private static readonly string[] Files = [StoreOptions.StoreFile, StoreOptions.JobsFile, StoreOptions.MetricsFile];

    private const string Staged = ".restoring";

    /// <summary>Copies the data directory's files into <paramref name="folder"/>, which must be new or empty, and writes the manifest last.</summary>
    public async Task<BackupManifest> BackupAsync(string folder, CancellationToken ct = default)
    {
        var store = options.Value;
        if (store.Provider == StoreProvider.PostgreSQL)
        {
            throw new BackupRefusedException(
                "the store is PostgreSQL (Store:Provider), which holds the job store too: back that database up with pg_dump, as the operations guide says. Nothing was written.");
        }

        folder = Path.GetFullPath(folder);
        if (!File.Exists(store.DatabasePath))
        {
            throw new BackupRefusedException($"there is no store at {store.DatabasePath}, so nothing to back up (is DataDir right?).");
        }

        if (IsWithin(folder, store.DataDir))
        {
            throw new BackupRefusedException($"{folder} is inside the data directory; put the backup somewhere else (another disk, ideally).");
        }

        if (File.Exists(folder) || (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()))
        {
            throw new BackupRefusedException($"{folder} is not an empty folder; a backup goes into a new or empty one, so nothing was written.");
        }

        var createdFolder = !Directory.Exists(folder);
        var written = new List<string>();
        try
        {
            Directory.CreateDirectory(folder);
            var startedAt = time.GetUtcNow();
            var files = new List<BackupFile>();
            string? migration = null;
            int? metricsVersion = null;
            foreach (var name in Files)
            {
                var source = Path.Combine(store.DataDir, name);
                if (name != StoreOptions.StoreFile && !File.Exists(source))
                {
                    continue; // a server that never wrote a metric point has no metrics.db
                }

                var target = Path.Combine(folder, name);
                var takenAt = time.GetUtcNow();
                written.Add(target);
                using (var copy = Snapshot(source, target))
                {
                    if (name == StoreOptions.StoreFile)
                    {
                        migration = LatestMigration(copy, source);
                    }
                    else if (name == StoreOptions.MetricsFile)
                    {
                        metricsVersion = Convert.ToInt32(Scalar(copy, "PRAGMA user_version"), CultureInfo.InvariantCulture);
                    }
                }

                files.Add(new BackupFile(name, takenAt, new FileInfo(target).Length, await Sha256Async(target, ct)));
            }

            var manifest = new BackupManifest(
                BackupManifest.CurrentFormat, BackupManifest.ProductName, ProductVersion, startedAt, time.GetUtcNow(), store.DataDir, migration!, metricsVersion, files);
            written.Add(Path.Combine(folder, BackupManifest.FileName + ".partial"));
            written.Add(Path.Combine(folder, BackupManifest.FileName));
            await manifest.WriteAsync(folder, ct);
            return manifest;
        }
        catch
        {
            Remove(written);
            if (createdFolder && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }

            throw;
        }
    }

    /// <summary>
    /// Checks the backup in <paramref name="folder"/> whole (manifest, every file's checksum, this build can open it),
    /// then copies it into the data directory, which must be empty apart from a <c>logs</c> folder.
    /// </summary>
    public async Task<BackupManifest> RestoreAsync(string folder, CancellationToken ct = default)
    {
        var store = options.Value;
        if (store.Provider == StoreProvider.PostgreSQL)
        {
            throw new BackupRefusedException(
                "the store is PostgreSQL (Store:Provider): restore its database with pg_restore, as the operations guide says. Nothing was changed.");
        }

        folder = Path.GetFullPath(folder);
        var manifest = await ReadCheckedAsync(folder, ct);
        var dataDir = store.DataDir;
        if (Directory.Exists(dataDir)
            && Directory.EnumerateFileSystemEntries(dataDir).Select(Path.GetFileName).Where(e => e != "logs").Order(StringComparer.Ordinal).Take(3).ToList() is { Count: > 0 } present)
        {
            throw new BackupRefusedException(
                $"the data directory {dataDir} is not empty (it holds {string.Join(", ", present)}); restore goes into an empty one, so nothing was changed.");
        }

        Directory.CreateDirectory(dataDir);
        var placed = new List<string>();
        try
        {
            // Every file lands under a temporary name first and is checked again as copied; only then do they take
            // their names, so a failure part-way leaves no half-restored store for a server to start on.
            foreach (var file in manifest.Files)
            {
                var staging = Path.Combine(dataDir, file.Name + Staged);
                placed.Add(staging);
                if (await CopyAsync(Path.Combine(folder, file.Name), staging, ct) != file.Sha256)
                {
                    throw new BackupRefusedException($"{Path.Combine(folder, file.Name)} changed while it was being copied; nothing was restored.");
                }
            }

            foreach (var file in manifest.Files)
            {
                var final = Path.Combine(dataDir, file.Name);
                File.Move(Path.Combine(dataDir, file.Name + Staged), final);
                placed.Add(final);
            }

            return manifest;
        }
        catch
        {
            Remove(placed);
            throw;
        }
    }

    private async Task<BackupManifest> ReadCheckedAsync(string folder, CancellationToken ct)
    {
        if (!Directory.Exists(folder))
        {
            throw new BackupRefusedException($"{folder} does not exist.");
        }

        var manifestPath = Path.Combine(folder, BackupManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new BackupRefusedException($"{folder} is not a backup: it has no {BackupManifest.FileName} (a backup that did not finish has none either).");
        }

        BackupManifest manifest;
        try
        {
            manifest = await BackupManifest.ReadAsync(manifestPath, ct);
        }
        catch (JsonException ex)
        {
            throw new BackupRefusedException($"{manifestPath} cannot be read: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        if (manifest.Product != BackupManifest.ProductName || manifest.Format != BackupManifest.CurrentFormat)
        {
            throw new BackupRefusedException($"{manifestPath} is not a {BackupManifest.ProductName} backup manifest of format {BackupManifest.CurrentFormat}, the one this build reads.");
        }

        if (manifest.Files.FirstOrDefault(f => !Files.Contains(f.Name, StringComparer.Ordinal)) is { } unknown)
        {
            throw new BackupRefusedException($"{manifestPath} lists '{unknown.Name}', which is not a file of a data directory.");
        }

        if (manifest.Files.Count(f => f.Name == StoreOptions.StoreFile) != 1 || manifest.Files.DistinctBy(f => f.Name).Count() != manifest.Files.Count)
        {
            throw new BackupRefusedException($"{manifestPath} must list the store ({StoreOptions.StoreFile}) once and each other file at most once.");
        }

        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(folder, file.Name);
            if (!File.Exists(path))
            {
                throw new BackupRefusedException($"{folder} is incomplete: {file.Name} is missing.");
            }

            if (new FileInfo(path).Length != file.Bytes || await Sha256Async(path, ct) != file.Sha256)
            {
                throw new BackupRefusedException($"{folder} is damaged: {file.Name} does not match its checksum in {BackupManifest.FileName}.");
            }
        }

        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            if (!db.Database.GetMigrations().Contains(manifest.StoreMigration, StringComparer.Ordinal))
            {
                throw new BackupRefusedException(
                    $"the backup's store is at migration {manifest.StoreMigration}, which this build does not know (a newer build took it?); restore it with that build or a newer one.");
            }
        }

        if (manifest.MetricsSchemaVersion > MetricsDatabase.SchemaVersion)
        {
            throw new BackupRefusedException(
                $"the backup's metrics.db has schema version {manifest.MetricsSchemaVersion}; this build knows up to {MetricsDatabase.SchemaVersion}: restore it with a newer build.");
        }

        return manifest;
    }

    /// <summary>
    /// One online backup step over the whole file: SQLite reads <paramref name="source"/> in one transaction while
    /// its writers go on (WAL), so the copy is the file as of one commit. Returns the open copy, checked.
    /// </summary>
    private static SqliteConnection Snapshot(string source, string target)
    {
        SqliteConnection? copy = null;
        try
        {
            using var from = Open(source, SqliteOpenMode.ReadWrite); // never creates: the file was checked to exist
            copy = Open(target, SqliteOpenMode.ReadWriteCreate);
            from.BackupDatabase(copy);
            if (Scalar(copy, "PRAGMA quick_check") is not "ok")
            {
                throw new BackupRefusedException($"{source} fails SQLite's quick_check; it cannot be backed up as it is.");
            }

            return copy;
        }
        catch (SqliteException ex)
        {
            copy?.Dispose();
            throw new BackupRefusedException($"{source} cannot be copied: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
        catch
        {
            copy?.Dispose();
            throw;
        }
    }

    private static string LatestMigration(SqliteConnection copy, string source)
    {
        try
        {
            return Scalar(copy, "SELECT MigrationId FROM \"__EFMigrationsHistory\" ORDER BY MigrationId DESC LIMIT 1") as string
                ?? throw new BackupRefusedException($"{source} has no migrations applied; it is not a store a server has started on.");
        }
        catch (SqliteException ex)
        {
            throw new BackupRefusedException($"{source} is not a CommandCenter store: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
    }

    /// <summary>Unpooled, so closing really closes: the copy's WAL is checkpointed and removed, leaving one file.</summary>
    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        connection.WaitForLocks();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    /// <summary>Copies <paramref name="source"/> to a new file, flushed to disk, and returns the SHA-256 of what was copied.</summary>
    private static async Task<string> CopyAsync(string source, string target, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var from = File.OpenRead(source))
        await using (var to = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
        {
            var buffer = new byte[1 << 20];
            for (int read; (read = await from.ReadAsync(buffer, ct)) > 0;)
            {
                hash.AppendData(buffer, 0, read);
                await to.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            to.Flush(flushToDisk: true);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Remove(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            File.Delete(file); // no error when it was never written
        }
    }

    private static bool IsWithin(string path, string folder)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        path = Path.TrimEndingDirectorySeparator(path);
        return path.Equals(folder, comparison) || path.StartsWith(folder + Path.DirectorySeparatorChar, comparison);
    }

    private static string ProductVersion =>
        typeof(DataDirectoryBackup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
