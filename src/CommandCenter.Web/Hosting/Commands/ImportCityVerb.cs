using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Import;

namespace CommandCenter.Web.Hosting.Commands;

/// <summary>
/// <c>import-city FILE [--dry-run]</c>: checks a city's GeoJSON map and stores it as the next division version, or with
/// <c>--dry-run</c> only says what it would change. Every problem is listed; a file with errors stores nothing.
/// </summary>
internal sealed class ImportCityVerb : IVerb
{
    public string Name => "import-city";

    public string Usage => "import-city FILE [--dry-run]";

    public IReadOnlySet<string> ValueOptions { get; } = new HashSet<string>();

    public IReadOnlySet<string> Flags { get; } = new HashSet<string> { "--dry-run" };

    public int Positionals => 1;

    public async Task<int> RunAsync(IServiceProvider services, VerbArguments arguments, CancellationToken ct)
    {
        var file = Path.GetFullPath(arguments.Positionals[0]);
        if (!File.Exists(file))
        {
            await Console.Error.WriteLineAsync($"{Name}: {file} does not exist.");
            return CommandLine.Refused;
        }

        var dryRun = arguments.Flags.Contains("--dry-run");
        var importer = services.GetRequiredService<CityImporter>();
        ImportOutcome outcome;
        await using (var stream = File.OpenRead(file))
        {
            outcome = dryRun
                ? await importer.DryRunAsync(stream, ct)
                : await importer.ApplyAsync(stream, Path.GetFileName(file), Actor.System("command-line"), ct);
        }

        foreach (var line in outcome.Lines())
        {
            Console.WriteLine(line);
        }

        if (!outcome.IsValid)
        {
            await Console.Error.WriteLineAsync($"{Name}: {file} has {outcome.Report.Errors.Count} error(s); nothing was stored.");
            return CommandLine.Refused;
        }

        Console.WriteLine(dryRun ? "dry run: nothing was stored."
            : outcome.Version is { } version ? $"stored as division version {version}."
            : "nothing was stored: the map is the one already stored.");
        return CommandLine.Success;
    }
}
