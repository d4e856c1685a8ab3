using System.Text.RegularExpressions;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>
/// How deliveries are worked (<c>Notifications:Delivery</c>): the durable retry schedule, the lease that keeps two
/// servers off one delivery, and when a channel counts as failing for <c>/readyz</c>.
/// </summary>
public sealed class DeliveryOptions
{
    public const string Section = "Notifications:Delivery";

    /// <summary>Attempts in all (the first included) before a delivery is given up.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The median wait before the first retry; later retries wait about twice as long each, with jitter.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a server holds a delivery it is sending. Longer than <see cref="SendTimeout"/>: a lease that ran out
    /// mid-send would let another server send the same message.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest one attempt may take, quick in-process retries of an unreachable receiver included.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a server looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries one server leases and sends at once in one look.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>A channel whose last this many attempts all failed makes <c>/readyz</c> Degraded.</summary>
    public int FailingAfter { get; set; } = 3;

    internal static string? Problem(DeliveryOptions o) =>
        o.MaxAttempts is < 1 or > 100 ? $"{Section}:MaxAttempts must be between 1 and 100, e.g. 8."
        : o.FirstRetryDelay <= TimeSpan.Zero || o.MaxRetryDelay < o.FirstRetryDelay
            ? $"{Section}:FirstRetryDelay must be a positive time span and {Section}:MaxRetryDelay at least as long, e.g. 00:00:30 and 00:30:00."
        : o.SendTimeout <= TimeSpan.Zero || o.LeaseDuration <= o.SendTimeout
            ? $"{Section}:LeaseDuration must be longer than {Section}:SendTimeout (a positive time span), e.g. 00:02:00 and 00:00:30."
        : o.PollInterval <= TimeSpan.Zero ? $"{Section}:PollInterval must be a positive time span, e.g. 00:00:01."
        : o.BatchSize is < 1 or > 1000 ? $"{Section}:BatchSize must be between 1 and 1000, e.g. 20."
        : o.FailingAfter < 1 ? $"{Section}:FailingAfter must be at least 1, e.g. 3."
        : null;
}

/// <summary><c>Notifications:Webhook</c>: a JSON POST to any receiver, signed when a secret is set.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Notifications:Webhook";

    public string? Url { get; set; }

    /// <summary>The HMAC-SHA256 key of the <c>X-CommandCenter-Signature</c> header; no header without it.</summary>
    public string? Secret { get; set; }
}

/// <summary><c>Notifications:WeCom</c>: a WeCom (企业微信) group robot's webhook address.</summary>
public sealed class WeComOptions
{
    public const string Section = "Notifications:WeCom";

    public string? Url { get; set; }
}

/// <summary><c>Notifications:DingTalk</c>: a DingTalk (钉钉) custom robot's webhook address, and its signing secret when it has one.</summary>
public sealed class DingTalkOptions
{
    public const string Section = "Notifications:DingTalk";

    public string? Url { get; set; }

    /// <summary>The robot's 加签 secret (SEC…): each request then carries a timestamp and its signature.</summary>
    public string? Secret { get; set; }
}

/// <summary>
/// <c>Notifications:Sms</c>: any SMS gateway with an HTTP interface, described as a request template. <see cref="Url"/>,
/// <see cref="Headers"/> and <see cref="Body"/> may hold the placeholders of <see cref="Placeholders"/>, filled per recipient.
/// </summary>
public sealed partial class SmsOptions
{
    public const string Section = "Notifications:Sms";

    /// <summary>What a template may say: the recipient's phone and name, the message, their acknowledgement link, the node.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["phone", "name", "text", "link", "node"];

    public string? Url { get; set; }

    public string Method { get; set; } = "POST";

    public Dictionary<string, string> Headers { get; set; } = [];

    public string? Body { get; set; }

    /// <summary>The body's media type.</summary>
    public string ContentType { get; set; } = "application/json";

    /// <summary>
    /// The longest <c>{text}</c>, in characters: a grouped message lists its items while they fit and counts the
    /// rest, and <c>{link}</c> carries the links of the alerts listed. Gateways cap a long message at a few hundred.
    /// </summary>
    public int MaxTextLength { get; set; } = 300;

    /// <summary>The placeholders in <paramref name="template"/> that are not known, e.g. <c>{mobile}</c>.</summary>
    public static IEnumerable<string> UnknownPlaceholders(string? template) =>
        template is null ? [] : PlaceholderPattern().Matches(template).Select(m => m.Groups[1].Value).Where(name => !Placeholders.Contains(name)).Distinct();

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    internal static partial Regex PlaceholderPattern();

    internal static string? Problem(SmsOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Url))
        {
            return null;
        }

        if (UnknownPlaceholders(o.Url).FirstOrDefault() is { } inUrl)
        {
            return $"{Section}:Url has an unknown placeholder {{{inUrl}}}; known: {Known}.";
        }

        if (!ChannelUrls.IsHttp(PlaceholderPattern().Replace(o.Url, "0")))
        {
            return $"{Section}:Url must be an absolute http(s) address, e.g. https://sms.example.com/send?to={{phone}}.";
        }

        if (o.Method is not ("POST" or "GET" or "PUT"))
        {
            return $"{Section}:Method must be POST, GET or PUT.";
        }

        if (o.MaxTextLength < 70)
        {
            return $"{Section}:MaxTextLength must be at least 70 characters (one text message), e.g. 300.";
        }

        if (UnknownPlaceholders(o.Body).FirstOrDefault() is { } inBody)
        {
            return $"{Section}:Body has an unknown placeholder {{{inBody}}}; known: {Known}.";
        }

        return o.Headers.FirstOrDefault(h => UnknownPlaceholders(h.Value).Any()) is { Key: not null } header
            ? $"{Section}:Headers:{header.Key} has an unknown placeholder {{{UnknownPlaceholders(header.Value).First()}}}; known: {Known}."
            : null;
    }

    private static string Known => string.Join(", ", Placeholders.Select(p => $"{{{p}}}"));
}

internal static class ChannelUrls
{
    public static bool IsHttp(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>Null for no URL (the channel is off) or a good one; else the one line naming the setting.</summary>
    public static string? Problem(string section, string? url) =>
        string.IsNullOrWhiteSpace(url) || IsHttp(url) ? null : $"{section}:Url must be an absolute http(s) address, e.g. https://receiver.example.com/hook.";
}
