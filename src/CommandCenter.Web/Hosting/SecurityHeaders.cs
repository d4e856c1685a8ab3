using System.Security.Cryptography;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// Settings under <c>Security</c>. <c>FrameAncestors</c>: the origins allowed to show the pages in a frame (a big-screen
/// portal that embeds the walls), e.g. <c>https://portal.city.gov.cn</c>; none by default, so no site can frame them.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    public List<string> FrameAncestors { get; } = [];

    /// <summary>Each entry is <c>'self'</c> or a bare http(s) origin; a path or a wildcard would widen what the header allows.</summary>
    public static bool IsOrigin(string value) =>
        value == "'self'"
        || (Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && uri.Scheme is "https" or "http"
            && uri.GetLeftPart(UriPartial.Authority) == value.TrimEnd('/')
            && !value.Contains('*', StringComparison.Ordinal));
}

/// <summary>
/// The headers a security review looks for first. Every response: nosniff, the referrer policy, a permissions policy
/// that turns off every device the product never uses, and the opener policy. Pages (HTML): a Content-Security-Policy
/// with a fresh nonce for the one inline script (Blazor's import map), and framing as configured.
/// </summary>
public sealed class SecurityHeaders
{
    private const string NonceItem = "cc:csp-nonce";

    private readonly string _frameAncestors;
    private readonly bool _framingAllowed;

    public SecurityHeaders(SecurityOptions options)
    {
        _framingAllowed = options.FrameAncestors.Count > 0;
        _frameAncestors = _framingAllowed ? string.Join(' ', options.FrameAncestors.Select(o => o.TrimEnd('/'))) : "'none'";
    }

    /// <summary>The nonce the page's inline script carries; the same one its Content-Security-Policy names.</summary>
    public static string Nonce(HttpContext context)
    {
        if (context.Items[NonceItem] is not string nonce)
        {
            nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)); // hex: nothing for HTML to escape
            context.Items[NonceItem] = nonce;
        }

        return nonce;
    }

    /// <summary>
    /// The policy for one page. Styles allow inline: MudBlazor and the map set <c>style</c> attributes and the theme
    /// is a <c>&lt;style&gt;</c> element written by Blazor's renderer, which no nonce reaches; styles run no code.
    /// Scripts: our own files and the nonce only — no <c>unsafe-inline</c>, no <c>unsafe-eval</c>.
    /// </summary>
    public string PolicyFor(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        $"frame-ancestors {_frameAncestors}";

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), fullscreen=(self)";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                headers.ContentSecurityPolicy = PolicyFor(Nonce(context));
                if (!_framingAllowed)
                {
                    headers.XFrameOptions = "DENY"; // for browsers that predate frame-ancestors
                }
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
