namespace Mappa.Messaging.Outbox;

/// <summary>
/// One recorded event waiting for (or done with) publication. Rows are written by
/// <see cref="Persistence.MappaDbContext.SaveChangesAsync(bool, CancellationToken)"/> and read by the relay;
/// the EF mapping is for diagnostics and tests.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Insertion order; the relay publishes in this order.</summary>
    public long Sequence { get; init; }
    public Guid EventId { get; init; }
    public string EventType { get; init; } = "";
    public int EventVersion { get; init; }
    /// <summary>The subject id; events of one subject are published one after another.</summary>
    public string SubjectKey { get; init; } = "";
    /// <summary>1, 2, 3 ... per subject, claimed under a row lock at commit, so it follows commit order.</summary>
    public long SubjectPosition { get; init; }
    /// <summary>The event record as JSON (camelCase, as on the wire).</summary>
    public string Payload { get; init; } = "";
    public DateTimeOffset OccurredAt { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    /// <summary>Publish attempts, successful or not; more than one means a retry after a broker failure.</summary>
    public int Attempts { get; init; }
    public string? LastError { get; init; }
}
