using System.Data.Common;
using Mappa.Messaging.Persistence;
using Mappa.Security;

namespace Mappa.Messaging.Audit;

/// <summary>
/// What a listing asks for: oldest first after <see cref="AfterPosition"/> or, with <see cref="NewestFirst"/>, newest
/// first below it (0 = from the newest); optionally filtered by subject, caller, time and method prefix.
/// </summary>
public sealed record AuditQuery(
    int Limit,
    long AfterPosition = 0,
    string? SubjectId = null,
    string? Caller = null,
    DateTimeOffset? From = null,
    DateTimeOffset? Before = null,
    string? MethodPrefix = null,
    bool NewestFirst = false);

/// <summary>How a chain verification ended.</summary>
public enum AuditChainProblemKind
{
    None = 0,
    HashMismatch = 1,
    Gap = 2,
    PreviousHashMismatch = 3,
    HeadMismatch = 4,
}

/// <param name="FirstBrokenPosition">0 when the chain is valid.</param>
/// <param name="LastPosition">The last position checked (intact), 0 when none.</param>
public sealed record AuditChainVerification(
    bool Valid, long EntriesChecked, long FirstBrokenPosition, AuditChainProblemKind Problem, string Detail,
    long LastPosition, string LastHash);

/// <summary>
/// The audit log's SQL (table <c>audit_log</c> and its one-row <c>audit_log_head</c>, both created by
/// <see cref="Migrations.MessagingSchema"/>). Appends are serialised by the head row: each append first increments
/// <c>last_position</c> with an UPDATE, which takes the row's lock on PostgreSQL (held to the end of the transaction,
/// so concurrent appenders, from any instance, queue there) and the write lock on SQLite. The appender then knows
/// its position (gap-free: a rollback undoes the increment too) and the previous hash, inserts its row and stores
/// its hash in the head. The head also lets verification notice rows deleted from the end of the log.
/// There is no update or delete path here; on both providers triggers refuse UPDATE and DELETE of audit rows.
/// </summary>
internal static class AuditLogStore
{
    private const string Columns =
        "position, entry_id, called_at, caller, agency, roles, method, subject_id, outcome, request_id, hash_version, previous_hash, hash";

    public const int MaxBatch = 1000;

    /// <param name="entryIds">Ids to keep (entries moved from an older store), one per entry; null gives new ids.</param>
    public static async Task<IReadOnlyList<AuditRecord>> AppendAsync(DbConnection connection, DbTransaction transaction,
        SqlDialect dialect, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken, IReadOnlyList<string>? entryIds = null)
    {
        if (entryIds is not null && entryIds.Count != entries.Count)
            throw new ArgumentException("One entry id per entry.", nameof(entryIds));
        ArgumentNullException.ThrowIfNull(transaction);
        if (entries.Count == 0) return [];

        long last;
        string previous;
        await using (var head = SqlDialect.Command(connection, transaction,
            "UPDATE audit_log_head SET last_position = last_position + @p0 WHERE id = 1 RETURNING last_position, last_hash", (long)entries.Count))
        await using (var reader = await head.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
                throw new InvalidOperationException("The audit log has no head row; was the mappa.messaging schema migrated?");
            last = reader.GetInt64(0);
            previous = reader.GetString(1);
        }

        var records = new List<AuditRecord>(entries.Count);
        var position = last - entries.Count;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            position++;
            var time = DateTimeOffset.FromUnixTimeMilliseconds(entry.Time.ToUnixTimeMilliseconds()); // what the column keeps
            var unsealed = new AuditRecord(position, entryIds?[i] ?? Guid.CreateVersion7(time).ToString(), time, entry.Caller, entry.Agency,
                string.Join(' ', entry.Roles), entry.Method, entry.SubjectId, (int)entry.Outcome, entry.RequestId,
                AuditChain.CurrentVersion, previous, "");
            var record = unsealed with { Hash = AuditChain.ComputeHash(unsealed) };
            records.Add(record);
            previous = record.Hash;
        }

        foreach (var record in records)
        {
            await using var insert = SqlDialect.Command(connection, transaction,
                $"INSERT INTO audit_log ({Columns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12)",
                record.Position, record.EntryId, dialect.Timestamp(record.Time), record.Caller, record.Agency, record.Roles,
                record.Method, record.SubjectId, record.Outcome, record.RequestId, record.HashVersion, record.PreviousHash, record.Hash);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var seal = SqlDialect.Command(connection, transaction,
            "UPDATE audit_log_head SET last_hash = @p0 WHERE id = 1", previous))
        {
            await seal.ExecuteNonQueryAsync(cancellationToken);
        }
        return records;
    }

    public static async Task<IReadOnlyList<AuditRecord>> ListAsync(DbConnection connection, DbTransaction? transaction,
        SqlDialect dialect, AuditQuery query, CancellationToken cancellationToken)
    {
        var conditions = new List<string> { query.NewestFirst ? "position < @p0" : "position > @p0" };
        var parameters = new List<object?> { query.NewestFirst && query.AfterPosition == 0 ? long.MaxValue : query.AfterPosition };
        void Where(string condition, object value)
        {
            conditions.Add(condition.Replace("@p", "@p" + parameters.Count, StringComparison.Ordinal));
            parameters.Add(value);
        }
        if (query.SubjectId is { Length: > 0 } subject) Where("subject_id = @p", subject);
        if (query.Caller is { Length: > 0 } caller) Where("caller = @p", caller);
        if (query.From is { } from) Where("called_at >= @p", dialect.Timestamp(from));
        if (query.Before is { } before) Where("called_at < @p", dialect.Timestamp(before));
        if (query.MethodPrefix is { Length: > 0 } prefix)
        {
            conditions.Add($"substr(method, 1, {prefix.Length}) = @p{parameters.Count}");
            parameters.Add(prefix);
        }
        parameters.Add(query.Limit);
        var sql = $"SELECT {Columns} FROM audit_log WHERE {string.Join(" AND ", conditions)} " +
            $"ORDER BY position{(query.NewestFirst ? " DESC" : "")} LIMIT @p{parameters.Count - 1}";
        return await ReadAsync(connection, transaction, dialect, sql, [.. parameters], cancellationToken);
    }

    public static async Task<AuditChainVerification> VerifyAsync(DbConnection connection, DbTransaction? transaction,
        SqlDialect dialect, long startPosition, long endPosition, CancellationToken cancellationToken)
    {
        var first = Math.Max(startPosition, 1);
        var expectedPosition = first;
        var expectedPrevious = AuditChain.GenesisHash;
        if (first > 1)
        {
            var before = await ReadAsync(connection, transaction, dialect,
                $"SELECT {Columns} FROM audit_log WHERE position = @p0", [first - 1], cancellationToken);
            if (before.Count == 0)
                return Broken(0, first - 1, AuditChainProblemKind.Gap, $"position {first - 1} (before the range) is missing", 0, "");
            expectedPrevious = before[0].Hash;
        }

        long checkedCount = 0;
        long lastPosition = 0;
        var lastHash = first > 1 ? expectedPrevious : "";
        while (true)
        {
            var batch = await ReadAsync(connection, transaction, dialect,
                $"SELECT {Columns} FROM audit_log WHERE position >= @p0 AND (@p1 = 0 OR position <= @p1) ORDER BY position LIMIT @p2",
                [expectedPosition, endPosition, MaxBatch], cancellationToken);
            foreach (var row in batch)
            {
                if (row.Position != expectedPosition)
                    return Broken(checkedCount, expectedPosition, AuditChainProblemKind.Gap,
                        $"position {expectedPosition} is missing; the next entry is at {row.Position}", lastPosition, lastHash);
                if (row.HashVersion is < 1 or > AuditChain.CurrentVersion)
                    return Broken(checkedCount, row.Position, AuditChainProblemKind.HashMismatch,
                        $"entry {row.Position} names an unknown hash version {row.HashVersion}", lastPosition, lastHash);
                if (AuditChain.ComputeHash(row) != row.Hash)
                    return Broken(checkedCount, row.Position, AuditChainProblemKind.HashMismatch,
                        $"entry {row.Position} does not match its hash: it was changed after it was written", lastPosition, lastHash);
                if (row.PreviousHash != expectedPrevious)
                    return Broken(checkedCount, row.Position, AuditChainProblemKind.PreviousHashMismatch,
                        $"entry {row.Position} does not link to the entry before it", lastPosition, lastHash);
                expectedPrevious = row.Hash;
                expectedPosition++;
                checkedCount++;
                lastPosition = row.Position;
                lastHash = row.Hash;
            }
            if (batch.Count < MaxBatch) break;
        }

        if (endPosition > 0 && lastPosition < endPosition)
        {
            // The range names positions that are not there: missing at its end (or past the log's end).
            var (headPosition, _) = await ReadHeadAsync(connection, transaction, cancellationToken);
            if (expectedPosition <= headPosition)
                return Broken(checkedCount, expectedPosition, AuditChainProblemKind.Gap,
                    $"position {expectedPosition} is missing", lastPosition, lastHash);
        }
        if (endPosition == 0)
        {
            var (headPosition, headHash) = await ReadHeadAsync(connection, transaction, cancellationToken);
            var tailHash = lastPosition == 0 && first == 1 ? AuditChain.GenesisHash : lastHash;
            var tailPosition = lastPosition == 0 ? first - 1 : lastPosition;
            if (headPosition != tailPosition || headHash != tailHash)
                return Broken(checkedCount, Math.Min(headPosition, tailPosition) + 1, AuditChainProblemKind.HeadMismatch,
                    $"the log's head is at position {headPosition} but its last entry is at {tailPosition}" +
                    (headPosition == tailPosition ? " with another hash" : ""), lastPosition, lastHash);
        }
        return new AuditChainVerification(true, checkedCount, 0, AuditChainProblemKind.None, "", lastPosition, lastHash);
    }

    public static async Task<(long Position, string Hash)> ReadHeadAsync(DbConnection connection, DbTransaction? transaction,
        CancellationToken cancellationToken)
    {
        await using var command = SqlDialect.Command(connection, transaction, "SELECT last_position, last_hash FROM audit_log_head WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : (0, "");
    }

    private static AuditChainVerification Broken(long checkedCount, long position, AuditChainProblemKind problem, string detail,
        long lastPosition, string lastHash) =>
        new(false, checkedCount, position, problem, detail, lastPosition, lastHash);

    private static async Task<List<AuditRecord>> ReadAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect,
        string sql, object?[] parameters, CancellationToken cancellationToken)
    {
        await using var command = SqlDialect.Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<AuditRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new AuditRecord(
                reader.GetInt64(0),
                reader.GetString(1),
                dialect.Provider == Configuration.DatabaseProvider.Postgres
                    ? new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc))
                    : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetInt32(8),
                reader.GetString(9),
                reader.GetInt32(10),
                reader.GetString(11),
                reader.GetString(12)));
        }
        return rows;
    }
}
