using System.Data.Common;
using System.Globalization;
using System.Text;
using Mappa.Events;
using Mappa.Messaging.Persistence;

namespace Mappa.Messaging.Outbox;

/// <summary>
/// The SQL that claims each subject's next positions and inserts the outbox rows of one save. It runs inside the
/// transaction that writes the data: either as its own command, or appended to the data command EF Core sends
/// (<see cref="OutboxCommitInterceptor{TContext}"/>), which saves a round trip per save.
/// </summary>
internal sealed class OutboxWrite
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

    private readonly SqlDialect _dialect;
    private readonly IReadOnlyList<DomainEvent> _events;
    private readonly DateTimeOffset _recordedAt;

    public OutboxWrite(SqlDialect dialect, IReadOnlyList<DomainEvent> events, DateTimeOffset recordedAt)
    {
        _dialect = dialect;
        _events = events;
        _recordedAt = recordedAt;
    }

    /// <summary>True once the statements were sent, standalone or inside EF Core's command.</summary>
    public bool Sent { get; private set; }

    /// <summary>Runs the statements as one command (one round trip) on the caller's connection and transaction.</summary>
    public async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var parameters = new List<object?>();
        var sql = Build(value =>
        {
            parameters.Add(value);
            return "@p" + (parameters.Count - 1).ToString(CultureInfo.InvariantCulture);
        });
        await using var command = SqlDialect.Command(connection, transaction, sql, parameters.ToArray());
        Sent = true;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Appends the statements after the ones already in <paramref name="command"/>, so they travel in the same round
    /// trip and the same (explicit or implicit) transaction. EF Core reads its own results by statement index, so
    /// statements added at the end leave them untouched. Placeholders follow the command's style (named or $n).
    /// </summary>
    public void AppendTo(DbCommand command)
    {
        var positional = command.Parameters.Count > 0 && string.IsNullOrEmpty(command.Parameters[0].ParameterName);
        var first = command.Parameters.Count;
        var sql = Build(value =>
        {
            var parameter = command.CreateParameter();
            var index = command.Parameters.Count;
            if (!positional) parameter.ParameterName = "mappa_outbox_p" + (index - first).ToString(CultureInfo.InvariantCulture);
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
            return positional
                ? "$" + (index + 1).ToString(CultureInfo.InvariantCulture)
                : "@" + parameter.ParameterName;
        });
        var existing = command.CommandText.TrimEnd();
        command.CommandText = existing.Length == 0 || existing.EndsWith(';') ? existing + "\n" + sql : existing + ";\n" + sql;
        Sent = true;
    }

    private string Build(Func<object?, string> parameter)
    {
        var sql = new StringBuilder(_events.Count == 1 ? 512 : 512 * _events.Count);
        if (_events.Count == 1)
        {
            // The usual save records one event: no grouping needed.
            var only = _events[0];
            var key = parameter(only.Subject.SubjectId);
            sql.AppendFormat(CultureInfo.InvariantCulture, ClaimPositionsSql, key, parameter(1L));
            AppendInsert(sql, parameter, only, key, 0L);
            return sql.ToString();
        }

        // Claim in a fixed (ordinal) subject order so transactions touching several subjects cannot deadlock.
        var subjectParameter = new Dictionary<string, string>(StringComparer.Ordinal);
        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var group in _events.GroupBy(e => e.Subject.SubjectId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var key = parameter(group.Key);
            subjectParameter[group.Key] = key;
            remaining[group.Key] = group.Count();
            sql.AppendFormat(CultureInfo.InvariantCulture, ClaimPositionsSql, key, parameter((long)group.Count()));
        }

        // Insert in recording order, so sequence order within a subject matches position order: the subject's
        // k-th of n events gets last_position - (n - k).
        foreach (var domainEvent in _events)
        {
            var subject = domainEvent.Subject.SubjectId;
            var below = --remaining[subject];
            AppendInsert(sql, parameter, domainEvent, subjectParameter[subject], below);
        }
        return sql.ToString();
    }

    private void AppendInsert(StringBuilder sql, Func<object?, string> parameter, DomainEvent domainEvent, string subjectParameter, long below)
    {
        var type = DomainEventTypeAttribute.Of(domainEvent.GetType());
        sql.AppendFormat(CultureInfo.InvariantCulture, InsertSql,
            parameter(_dialect.Uuid(domainEvent.EventId)), parameter(type.EventType), parameter(type.Version),
            subjectParameter, parameter(below), parameter(EventJson.Serialize(domainEvent)),
            parameter(_dialect.Timestamp(domainEvent.OccurredAt)), parameter(_dialect.Timestamp(_recordedAt)));
    }
}
