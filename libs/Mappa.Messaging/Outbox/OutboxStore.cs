using System.Data.Common;
using System.Text;
using Mappa.Messaging.Persistence;

namespace Mappa.Messaging.Outbox;

/// <summary>A row the relay is about to publish.</summary>
internal sealed record PendingOutboxRow(long Sequence, Guid EventId, string EventType, int EventVersion, string SubjectKey,
    long SubjectPosition, string Payload);

/// <summary>The relay's SQL against the outbox table (portable between SQLite and PostgreSQL).</summary>
internal static class OutboxStore
{
    public static async Task<IReadOnlyList<PendingOutboxRow>> ReadUnsentAsync(DbConnection connection, SqlDialect dialect,
        int batchSize, CancellationToken cancellationToken)
    {
        await using var command = SqlDialect.Command(connection, null,
            "SELECT sequence, event_id, event_type, event_version, subject_key, subject_position, payload " +
            "FROM outbox_messages WHERE sent_at IS NULL ORDER BY sequence LIMIT @p0", batchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<PendingOutboxRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PendingOutboxRow(reader.GetInt64(0), dialect.ReadUuid(reader, 1), reader.GetString(2),
                reader.GetInt32(3), reader.GetString(4), reader.GetInt64(5), reader.GetString(6)));
        }
        return rows;
    }

    public static async Task MarkSentAsync(DbConnection connection, SqlDialect dialect, IReadOnlyList<long> sequences,
        DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0) return;
        var parameters = new object?[sequences.Count + 1];
        parameters[0] = dialect.Timestamp(sentAt);
        var inList = new StringBuilder();
        for (var i = 0; i < sequences.Count; i++)
        {
            parameters[i + 1] = sequences[i];
            inList.Append(i == 0 ? "@p" : ", @p").Append(i + 1);
        }
        await using var command = SqlDialect.Command(connection, null,
            $"UPDATE outbox_messages SET sent_at = @p0, attempts = attempts + 1, last_error = NULL WHERE sequence IN ({inList})",
            parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task RecordFailureAsync(DbConnection connection, long sequence, string error, CancellationToken cancellationToken)
    {
        await using var command = SqlDialect.Command(connection, null,
            "UPDATE outbox_messages SET attempts = attempts + 1, last_error = @p0 WHERE sequence = @p1",
            error.Length <= 500 ? error : error[..500], sequence);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes sent outbox rows and inbox rows older than their retention; returns how many rows went.</summary>
    public static async Task<int> DeleteExpiredAsync(DbConnection connection, SqlDialect dialect, DateTimeOffset sentBefore,
        DateTimeOffset receivedBefore, CancellationToken cancellationToken)
    {
        await using var outbox = SqlDialect.Command(connection, null,
            "DELETE FROM outbox_messages WHERE sent_at IS NOT NULL AND sent_at < @p0", dialect.Timestamp(sentBefore));
        var deleted = await outbox.ExecuteNonQueryAsync(cancellationToken);
        await using var inbox = SqlDialect.Command(connection, null,
            "DELETE FROM inbox_messages WHERE received_at < @p0", dialect.Timestamp(receivedBefore));
        return deleted + await inbox.ExecuteNonQueryAsync(cancellationToken);
    }
}
