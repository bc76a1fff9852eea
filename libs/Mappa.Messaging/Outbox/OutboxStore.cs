using System.Data.Common;
using System.Text;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Persistence;

namespace Mappa.Messaging.Outbox;

/// <summary>A row the relay is about to publish.</summary>
internal sealed record PendingOutboxRow(long Sequence, Guid EventId, string EventType, int EventVersion, string SubjectKey,
    long SubjectPosition, string Payload);

/// <summary>The relay's SQL against the outbox table (portable between SQLite and PostgreSQL).</summary>
internal static class OutboxStore
{
    private const string ReadUnsentSql =
        "SELECT sequence, event_id, event_type, event_version, subject_key, subject_position, payload " +
        "FROM outbox_messages WHERE sent_at IS NULL ORDER BY sequence LIMIT ";

    private const string MarkSentSql = "UPDATE outbox_messages SET sent_at = @p0, attempts = attempts + 1, last_error = NULL WHERE sequence ";

    public static async Task<IReadOnlyList<PendingOutboxRow>> ReadUnsentAsync(DbConnection connection, SqlDialect dialect,
        int batchSize, CancellationToken cancellationToken)
    {
        await using var command = SqlDialect.Command(connection, null, ReadUnsentSql + "@p0", batchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadRowsAsync(reader, dialect, cancellationToken);
    }

    public static async Task MarkSentAsync(DbConnection connection, SqlDialect dialect, IReadOnlyList<long> sequences,
        DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0) return;
        await using var command = MarkSentCommand(connection, dialect, sequences, sentAt, batchSize: 0, readNext: false);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Marks the confirmed rows sent and reads the next unsent rows in one command (one round trip): the relay's
    /// steady state while a backlog drains. The read runs after the update, so it never returns the rows just marked.
    /// </summary>
    public static async Task<IReadOnlyList<PendingOutboxRow>> MarkSentAndReadUnsentAsync(DbConnection connection, SqlDialect dialect,
        IReadOnlyList<long> sequences, DateTimeOffset sentAt, int batchSize, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0) return await ReadUnsentAsync(connection, dialect, batchSize, cancellationToken);
        await using var command = MarkSentCommand(connection, dialect, sequences, sentAt, batchSize, readNext: true);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadRowsAsync(reader, dialect, cancellationToken);
    }

    // PostgreSQL takes the sequences as one array parameter (the same statement text whatever the count, so Npgsql can
    // prepare it); SQLite, which has no arrays, gets an IN list.
    private static DbCommand MarkSentCommand(DbConnection connection, SqlDialect dialect, IReadOnlyList<long> sequences,
        DateTimeOffset sentAt, int batchSize, bool readNext)
    {
        var sql = new StringBuilder(MarkSentSql);
        var parameters = new List<object?> { dialect.Timestamp(sentAt) };
        if (dialect.Provider == DatabaseProvider.Postgres)
        {
            sql.Append("= ANY(@p1)");
            parameters.Add(sequences as long[] ?? sequences.ToArray());
        }
        else
        {
            sql.Append("IN (");
            for (var i = 0; i < sequences.Count; i++)
            {
                sql.Append(i == 0 ? "@p" : ", @p").Append(parameters.Count);
                parameters.Add(sequences[i]);
            }
            sql.Append(')');
        }
        if (readNext)
        {
            sql.Append(";\n").Append(ReadUnsentSql).Append("@p").Append(parameters.Count);
            parameters.Add(batchSize);
        }
        return SqlDialect.Command(connection, null, sql.ToString(), parameters.ToArray());
    }

    private static async Task<IReadOnlyList<PendingOutboxRow>> ReadRowsAsync(DbDataReader reader, SqlDialect dialect, CancellationToken cancellationToken)
    {
        var rows = new List<PendingOutboxRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PendingOutboxRow(reader.GetInt64(0), dialect.ReadUuid(reader, 1), reader.GetString(2),
                reader.GetInt32(3), reader.GetString(4), reader.GetInt64(5), reader.GetString(6)));
        }
        return rows;
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
