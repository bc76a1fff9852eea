namespace Mappa.Messaging.Inbox;

/// <summary>A message a consumer has processed; its key (message id, consumer) makes redelivered copies no-ops.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; init; }
    public string Consumer { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
}
