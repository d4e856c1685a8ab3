using CommandCenter.Infrastructure.Seeding;
using CommandCenter.Web.Hosting.Commands;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// The product's command-line verbs: <c>create-admin</c>, <c>import-city</c>, <c>backup</c>, <c>restore</c>,
/// <c>verify-audit</c>. Each reads the same settings as the server (appsettings, environment variables,
/// <c>--Key=value</c> arguments), brings the same store up unless it copies the store's files, does its one job and
/// exits: 0 on success, 1 with a one-line reason when refused, 2 when the command line itself is wrong.
/// </summary>
public sealed class CommandLine
{
    public const int Success = 0;
    public const int Refused = 1;
    public const int Usage = 2;

    private static readonly IReadOnlyDictionary<string, IVerb> Verbs = new IVerb[] { new CreateAdminVerb(), new ImportCityVerb(), new BackupVerb(), new RestoreVerb(), new VerifyAuditVerb() }
        .ToDictionary(v => v.Name, StringComparer.Ordinal);

    private readonly IVerb? _verb;
    private readonly VerbArguments _arguments;
    private readonly string[] _settings;
    private readonly string? _usageError;

    private CommandLine(IVerb? verb, VerbArguments arguments, string[] settings, string? usageError)
    {
        _verb = verb;
        _arguments = arguments;
        _settings = settings;
        _usageError = usageError;
    }

    /// <summary>The verb the arguments start with, or null when they start the server (no verb, only settings).</summary>
    public static CommandLine? Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return null;
        }

        if (!Verbs.TryGetValue(args[0], out var verb))
        {
            return new CommandLine(null, VerbArguments.Empty, [], $"unknown command '{args[0]}'; the commands are {string.Join(", ", Verbs.Keys)}.");
        }

        var (arguments, settings, error) = VerbArguments.Split(verb, args[1..]);
        return new CommandLine(verb, arguments, settings, error is null ? null : $"{verb.Name}: {error} Usage: {verb.Usage}");
    }

    /// <summary>
    /// The host's options. An explicit <c>ASPNETCORE_ENVIRONMENT</c> wins over <c>DOTNET_ENVIRONMENT</c>, which the
    /// launch profile sets so that <c>dotnet run</c> is the demo, as it does for ASP.NET Core's other hosts; an
    /// <c>--environment</c> argument still wins over both.
    /// </summary>
    public static WebApplicationOptions HostOptions(string[] args) => new()
    {
        Args = args,
        EnvironmentName = !args.Any(a => a.StartsWith("--environment", StringComparison.OrdinalIgnoreCase))
            && Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } environment
                ? environment
                : null,
    };

    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        if (_verb is null || _usageError is not null)
        {
            await Console.Error.WriteLineAsync(_usageError);
            return Usage;
        }

        var builder = WebApplication.CreateBuilder(HostOptions(_settings));

        // The verb's own output is the answer; the server's start-up lines would bury it.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Warning" });
        builder.AddCommandCenter();
        await using var app = builder.Build();
        try
        {
            if (_verb.BringsStoreUp)
            {
                await app.Services.GetRequiredService<StoreInitializer>().InitializeAsync(ct);
                await Access.DemoUsers.SeedAsync(app.Services, withUsers: false, app.Services.GetRequiredService<ILogger<CommandLine>>());
            }

            return await _verb.RunAsync(app.Services, _arguments, ct);
        }
        catch (Exception ex) when (ex is Core.DomainRuleException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"{_verb.Name}: {ex.Message.ReplaceLineEndings(" ")}");
            return Refused;
        }
    }
}
