using CommandCenter.Core.Notifications;

namespace CommandCenter.Infrastructure.Notifications;

/// <summary>
/// A recipient as a closed notification stores them (<see cref="Notification.Recipients"/>, a JSON list of these):
/// who they are and, per alert the message lists, the acknowledgement link issued to them for it.
/// </summary>
public sealed record NotificationAddressee(NotificationRecipient Recipient, IReadOnlyDictionary<Guid, Uri> AckLinks);
