namespace Mappa.Messaging.Outbox;

/// <summary>Transport headers the relay adds to every event (also visible to plain AMQP subscribers).</summary>
public static class MappaHeaders
{
    public const string EventType = "Mappa-Event-Type";
    public const string EventVersion = "Mappa-Event-Version";
    /// <summary>1, 2, 3 ... per subject: a subscriber can detect a gap or an out-of-order delivery.</summary>
    public const string SubjectPosition = "Mappa-Subject-Position";
}
