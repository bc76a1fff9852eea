using System.Data.Common;
using Mappa.Events;
using Mappa.Messaging.Persistence;

namespace Mappa.Messaging.Outbox;

/// <summary>Inserts recorded events into the outbox inside the caller's open transaction.</summary>
internal static class OutboxWriter
{
    // The upsert takes a row lock on the subject's counter that is held until commit, so two transactions that record
    // events for the same subject are serialised and positions follow commit order (a plain identity column does not:
    // sequence values are taken at insert, and a later insert can commit first).
    private const string ClaimPositionsSql =
        "INSERT INTO outbox_subject_positions (subject_key, last_position) VALUES (@p0, @p1) " +
        "ON CONFLICT (subject_key) DO UPDATE SET last_position = outbox_subject_positions.last_position + excluded.last_position " +
        "RETURNING last_position";

    private const string InsertSql =
        "INSERT INTO outbox_messages (event_id, event_type, event_version, subject_key, subject_position, payload, occurred_at, recorded_at, attempts) " +
        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, 0)";

    public static async Task WriteAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect,
        IReadOnlyList<DomainEvent> events, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        // Claim in a fixed (ordinal) subject order so transactions touching several subjects cannot deadlock.
        var nextPosition = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in events.GroupBy(e => e.Subject.SubjectId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var count = group.Count();
            await using var claim = SqlDialect.Command(connection, transaction, ClaimPositionsSql, group.Key, (long)count);
            var last = Convert.ToInt64(await claim.ExecuteScalarAsync(cancellationToken));
            nextPosition[group.Key] = last - count + 1;
        }

        // Insert in recording order, so sequence order within a subject matches position order.
        foreach (var domainEvent in events)
        {
            var type = DomainEventTypeAttribute.Of(domainEvent.GetType());
            var subject = domainEvent.Subject.SubjectId;
            var position = nextPosition[subject]++;
            await using var insert = SqlDialect.Command(connection, transaction, InsertSql,
                dialect.Uuid(domainEvent.EventId), type.EventType, type.Version, subject, position,
                EventJson.Serialize(domainEvent), dialect.Timestamp(domainEvent.OccurredAt), dialect.Timestamp(recordedAt));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
