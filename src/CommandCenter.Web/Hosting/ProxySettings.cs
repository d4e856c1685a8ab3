using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// The reverse proxies in front of the servers (setting <c>ForwardedHeaders:KnownProxies</c>: IP addresses, as a
/// list or comma-separated). Only their <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> are believed, so the
/// request log, rate limits and cookies see the browser's address and scheme, not the proxy's. None set: the
/// headers are ignored, as anyone could send them.
/// </summary>
public sealed class ProxySettings
{
    public const string Section = "ForwardedHeaders:KnownProxies";

    private ProxySettings(IReadOnlyList<IPAddress> proxies, string? problem) => (Proxies, Problem) = (proxies, problem);

    public IReadOnlyList<IPAddress> Proxies { get; }

    /// <summary>What is wrong with the setting, naming it; null when it is fine.</summary>
    public string? Problem { get; }

    public static ProxySettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var values = section.Value is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. section.GetChildren().Select(child => child.Value ?? "")];
        var proxies = new List<IPAddress>();
        foreach (var value in values)
        {
            if (!IPAddress.TryParse(value, out var address))
            {
                return new ProxySettings([], $"{Section} must list IP addresses, e.g. 10.0.0.5,10.0.0.6; '{value}' is not one.");
            }

            proxies.Add(address);
        }

        return new ProxySettings(proxies, null);
    }

    public void Apply(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in Proxies)
        {
            options.KnownProxies.Add(proxy);
        }
    }
}
