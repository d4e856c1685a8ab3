using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// What must hold before the server starts — every setting valid, the store reachable — checked once, so a wrong
/// setting ends the process with one line naming it instead of a stack trace from the middle of start-up.
/// </summary>
public static class StartupChecks
{
    /// <summary>Null when the server may start; otherwise the problem, naming the settings to fix.</summary>
    public static async Task<string?> ProblemAsync(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate(); // what ValidateOnStart would refuse in the middle of start-up
        }
        catch (OptionsValidationException error)
        {
            return string.Join(" ", error.Failures);
        }

        return services.GetRequiredService<ProxySettings>().Problem
            ?? await StoreProbe.ProblemAsync(services.GetRequiredService<IOptions<StoreOptions>>().Value);
    }
}
