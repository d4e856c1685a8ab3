using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Notifications;

/// <summary>
/// Acknowledgement links: a token signed (and encrypted) by the store's data-protection keys naming a stored
/// <see cref="AcknowledgementToken"/>, which binds it to one recipient and one alert, makes it single-use and expires
/// it after <see cref="NotificationOptions.AckLinkLifetime"/> (checked against the TimeProvider, not inside the token,
/// whose own expiry would read the wall clock). Any server sharing the store can check it.
/// </summary>
public sealed class AcknowledgementLinks(IDataProtectionProvider protection, IOptions<NotificationOptions> options, TimeProvider time)
{
    /// <summary>The page a link opens; the token follows as the last path segment.</summary>
    public const string PagePath = "/m/ack";

    private readonly IDataProtector _protector =
        protection.CreateProtector("CommandCenter.Notifications.AcknowledgementLink");

    /// <summary>
    /// Adds a token for <paramref name="recipient"/> and <paramref name="alertId"/> to <paramref name="db"/> (saved
    /// with the caller's changes) and returns the link carrying it.
    /// </summary>
    public Uri Issue(CommandCenterDbContext db, Guid alertId, NotificationRecipient recipient, string nodeCode, long? deliveryId = null)
    {
        var baseUrl = options.Value.PublicBaseUrl
            ?? throw new InvalidOperationException($"{NotificationOptions.Section}:PublicBaseUrl is needed for acknowledgement links.");
        var now = time.GetUtcNow();
        var token = new AcknowledgementToken
        {
            Id = Guid.NewGuid(),
            AlertId = alertId,
            RecipientKey = recipient.Key,
            RecipientName = recipient.Name,
            RecipientUserName = recipient.UserName,
            NodeCode = nodeCode,
            DeliveryId = deliveryId,
            IssuedAt = now,
            ExpiresAt = now + options.Value.AckLinkLifetime,
        };
        db.AcknowledgementTokens.Add(token);
        var sealedToken = _protector.Protect(token.Id.ToString("N"));
        return new Uri(baseUrl, $"{PagePath}/{Uri.EscapeDataString(sealedToken)}");
    }

    /// <summary>
    /// The token id inside <paramref name="sealedToken"/>, or null when it was not issued by these keys or was altered.
    /// Whether it is used or expired is the stored row's to say.
    /// </summary>
    public Guid? Open(string sealedToken)
    {
        try
        {
            return Guid.TryParseExact(_protector.Unprotect(sealedToken), "N", out var id) ? id : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
