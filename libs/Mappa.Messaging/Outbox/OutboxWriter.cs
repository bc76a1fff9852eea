using System.Data.Common;
using System.Globalization;
using System.Text;
using Mappa.Events;
using Mappa.Messaging.Persistence;

namespace Mappa.Messaging.Outbox;

/// <summary>Inserts recorded events into the outbox inside the caller's open transaction, in one round trip.</summary>
internal static class OutboxWriter
{
    // The upsert takes a row lock on the subject's counter that is held until commit, so two transactions that record
    // events for the same subject are serialised and positions follow commit order (a plain identity column does not:
    // sequence values are taken at insert, and a later insert can commit first). Each insert then reads its position
    // back from the counter its own transaction just moved.
    private const string ClaimPositionsSql =
        "INSERT INTO outbox_subject_positions (subject_key, last_position) VALUES ({0}, {1}) " +
        "ON CONFLICT (subject_key) DO UPDATE SET last_position = outbox_subject_positions.last_position + excluded.last_position;\n";

    private const string InsertSql =
        "INSERT INTO outbox_messages (event_id, event_type, event_version, subject_key, subject_position, payload, occurred_at, recorded_at, attempts) " +
        "VALUES ({0}, {1}, {2}, {3}, (SELECT last_position FROM outbox_subject_positions WHERE subject_key = {3}) - {4}, {5}, {6}, {7}, 0);\n";

    public static async Task WriteAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect,
        IReadOnlyList<DomainEvent> events, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder();
        var parameters = new List<object?>();
        string Parameter(object? value)
        {
            parameters.Add(value);
            return "@p" + (parameters.Count - 1).ToString(CultureInfo.InvariantCulture);
        }

        // Claim in a fixed (ordinal) subject order so transactions touching several subjects cannot deadlock.
        var subjectParameter = new Dictionary<string, string>(StringComparer.Ordinal);
        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var group in events.GroupBy(e => e.Subject.SubjectId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var key = Parameter(group.Key);
            subjectParameter[group.Key] = key;
            remaining[group.Key] = group.Count();
            sql.AppendFormat(CultureInfo.InvariantCulture, ClaimPositionsSql, key, Parameter((long)group.Count()));
        }

        // Insert in recording order, so sequence order within a subject matches position order: the subject's
        // k-th of n events gets last_position - (n - k).
        foreach (var domainEvent in events)
        {
            var type = DomainEventTypeAttribute.Of(domainEvent.GetType());
            var subject = domainEvent.Subject.SubjectId;
            var below = --remaining[subject];
            sql.AppendFormat(CultureInfo.InvariantCulture, InsertSql,
                Parameter(dialect.Uuid(domainEvent.EventId)), Parameter(type.EventType), Parameter(type.Version),
                subjectParameter[subject], Parameter((long)below), Parameter(EventJson.Serialize(domainEvent)),
                Parameter(dialect.Timestamp(domainEvent.OccurredAt)), Parameter(dialect.Timestamp(recordedAt)));
        }

        await using var command = SqlDialect.Command(connection, transaction, sql.ToString(), parameters.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
