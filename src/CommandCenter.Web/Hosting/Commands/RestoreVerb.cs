using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Backup;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Hosting.Commands;

/// <summary>
/// <c>restore DIR</c>: puts the backup in DIR into the data directory (<c>DataDir</c>), which must be empty. The
/// whole backup is checked first (manifest, checksums, a store this build can open); a refusal changes nothing.
/// </summary>
internal sealed class RestoreVerb : IVerb
{
    public string Name => "restore";

    public string Usage => "restore DIR";

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
            manifest = await services.GetRequiredService<DataDirectoryBackup>().RestoreAsync(folder, ct);
        }
        catch (BackupRefusedException ex)
        {
            await Console.Error.WriteLineAsync($"{Name}: {ex.Message}");
            return CommandLine.Refused;
        }

        var dataDir = services.GetRequiredService<IOptions<StoreOptions>>().Value.DataDir;
        Console.WriteLine(
            $"Restored the backup of {manifest.SourceDataDir} begun {manifest.StartedAt:O} ({string.Join(", ", manifest.Files.Select(f => f.Name))}) into {dataDir}. Start the server on it.");
        return CommandLine.Success;
    }
}
