using System.Text.Json;

namespace CommandCenter.Infrastructure.Backup;

/// <summary>
/// <c>commandcenter-backup.json</c>: what a backup folder holds and how to know it is whole. Written last, so a folder
/// without it is not a backup, or one that did not finish; the checksums let a restore refuse a damaged or incomplete
/// copy before it writes anything.
/// </summary>
/// <param name="Format">The manifest's own format; a build reads only the formats it knows.</param>
/// <param name="ProductVersion">The build that took the backup, for the operator.</param>
/// <param name="StartedAt">When the backup began: every transaction the store had committed by then is in it.</param>
/// <param name="SourceDataDir">The data directory it was taken from, for the operator.</param>
/// <param name="StoreMigration">The store's latest migration: a build that does not know it cannot open the store.</param>
/// <param name="MetricsSchemaVersion">The metric store's schema version, when the backup has <c>metrics.db</c>.</param>
public sealed record BackupManifest(
    int Format,
    string Product,
    string ProductVersion,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string SourceDataDir,
    string StoreMigration,
    int? MetricsSchemaVersion,
    IReadOnlyList<BackupFile> Files)
{
    public const string FileName = "commandcenter-backup.json";

    public const int CurrentFormat = 1;

    public const string ProductName = "CommandCenter";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>Writes the manifest into <paramref name="folder"/> under a temporary name, flushed to disk, then renames it: it appears whole or not at all.</summary>
    public async Task WriteAsync(string folder, CancellationToken ct)
    {
        var path = Path.Combine(folder, FileName);
        var partial = path + ".partial";
        await using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
        {
            await JsonSerializer.SerializeAsync(stream, this, _json, ct);
            stream.Flush(flushToDisk: true);
        }

        File.Move(partial, path);
    }

    /// <summary>The manifest in <paramref name="path"/>; a <see cref="JsonException"/> when it is not one.</summary>
    public static async Task<BackupManifest> ReadAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<BackupManifest>(stream, _json, ct) ?? throw new JsonException("it is empty (null).");
    }
}

/// <summary>One database file of a backup, a consistent snapshot of its source taken at <paramref name="TakenAt"/>.</summary>
public sealed record BackupFile(string Name, DateTimeOffset TakenAt, long Bytes, string Sha256);
