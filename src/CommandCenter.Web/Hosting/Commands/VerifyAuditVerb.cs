using System.Globalization;
using CommandCenter.Infrastructure.Audit;

namespace CommandCenter.Web.Hosting.Commands;

/// <summary>
/// <c>verify-audit</c>: checks the whole audit trail (every entry against its content and the entry before it in its
/// subject's trail, every alert against its trail's end) and stores the result, which the administrators' page shows.
/// Exits 0 when intact; 1 with a line naming the first entry that does not match.
/// </summary>
internal sealed class VerifyAuditVerb : IVerb
{
    public const string By = "command-line";

    public string Name => "verify-audit";

    public string Usage => "verify-audit";

    public IReadOnlySet<string> ValueOptions { get; } = new HashSet<string>();

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>();

    public int Positionals => 0;

    public async Task<int> RunAsync(IServiceProvider services, VerbArguments arguments, CancellationToken ct)
    {
        var check = await services.GetRequiredService<AuditTrailVerifier>().VerifyAsync(AuditCheckVia.CommandLine, By, ct);
        if (check is null)
        {
            // A fresh process runs nothing else; kept so the verifier's contract is answered everywhere.
            await Console.Error.WriteLineAsync($"{Name}: a verification is already running; nothing was stored.");
            return CommandLine.Refused;
        }

        if (check.Intact)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Audit trail intact: {check.Entries:N0} entries in {check.Trails:N0} trails checked."));
            return CommandLine.Success;
        }

        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: the audit trail is broken ({check.Problems:N0} problems in {check.Entries:N0} entries); first: {check.Problem}"));
        return CommandLine.Refused;
    }
}
