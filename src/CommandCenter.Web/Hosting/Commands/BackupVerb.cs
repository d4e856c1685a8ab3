using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Backup;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Hosting.Commands;

/// <summary>
/// <c>backup DIR</c>: a consistent copy of the data directory's store, job store and metric store into the new or
/// empty folder DIR, while the server goes on serving (<see cref="DataDirectoryBackup"/>). On PostgreSQL it refuses
/// and points at pg_dump.
/// </summary>
internal sealed class BackupVerb : IVerb
{
    public string Name => "backup";

    public string Usage => "backup DIR";

    public IReadOnlySet<string> ValueOptions { get; } = new HashSet<string>();

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>();

    public int Positionals => 1;

    public bool BringsStoreUp => false;

    public async Task<int> RunAsync(IServiceProvider services, VerbArguments arguments, CancellationToken ct)
    {
        var folder = arguments.Positionals[0];
        if (string.IsNullOrWhiteSpace(folder))
        {
            await Console.Error.WriteLineAsync($"{Name}: DIR must name a folder. Usage: {Usage}");
            return CommandLine.Usage;
        }

        BackupManifest manifest;
        try
        {
            manifest = await services.GetRequiredService<DataDirectoryBackup>().BackupAsync(folder, ct);
        }
        catch (BackupRefusedException ex)
        {
            await Console.Error.WriteLineAsync($"{Name}: {ex.Message}");
            return CommandLine.Refused;
        }

        foreach (var file in manifest.Files)
        {
            Console.WriteLine($"{file.Name}: {file.Bytes:N0} bytes, copy begun {file.TakenAt:O}, sha256 {file.Sha256}");
        }

        var dataDir = services.GetRequiredService<IOptions<StoreOptions>>().Value.DataDir;
        Console.WriteLine($"Backup of {dataDir} written to {Path.GetFullPath(folder)} (store at migration {manifest.StoreMigration}).");
        return CommandLine.Success;
    }
}
