using Mappa.Core.Errors;
using Mappa.Core.Paging;
using Mappa.Messaging.Audit;
using Mappa.RiskAssessment.Persistence;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mappa.RiskAssessment.Features.Assessments;

/// <summary>
/// A row of the retired <c>audit_entries</c> table (renamed <c>audit_entries_legacy</c> by migration 6), and the shape
/// AssessmentService.ListAuditEntries answers with. New entries live in the shared, hash-chained <c>audit_log</c>;
/// <see cref="LegacyAuditImport"/> moves old rows there.
/// </summary>
public sealed class AuditEntryRecord
{
    public required string EntryId { get; init; }
    public required long Time { get; init; }
    public required string Caller { get; init; }
    public required string Agency { get; init; }
    /// <summary>Space-separated role names.</summary>
    public required string Roles { get; init; }
    public required string Method { get; init; }
    public string? SubjectId { get; init; }
    public required int Outcome { get; init; }
    public required string RequestId { get; init; }

    internal static void Configure(ModelBuilder model) => model.Entity<AuditEntryRecord>(entry =>
    {
        entry.ToTable("audit_entries_legacy");
        entry.HasKey(e => e.EntryId);
        entry.Property(e => e.EntryId).HasColumnName("entry_id");
        entry.Property(e => e.Time).HasColumnName("time");
        entry.Property(e => e.Caller).HasColumnName("caller");
        entry.Property(e => e.Agency).HasColumnName("agency");
        entry.Property(e => e.Roles).HasColumnName("roles");
        entry.Property(e => e.Method).HasColumnName("method");
        entry.Property(e => e.SubjectId).HasColumnName("subject_id");
        entry.Property(e => e.Outcome).HasColumnName("outcome");
        entry.Property(e => e.RequestId).HasColumnName("request_id");
    });

    internal static AuditEntryRecord From(AuditRecord row) => new()
    {
        EntryId = row.EntryId,
        Time = row.Time.ToUnixTimeMilliseconds(),
        Caller = row.Caller,
        Agency = row.Agency,
        Roles = row.Roles,
        Method = row.Method,
        SubjectId = row.SubjectId,
        Outcome = row.Outcome,
        RequestId = row.RequestId,
    };
}

/// <summary>
/// The AssessmentService's view of the service's audit log (the shared, hash-chained <c>audit_log</c>). A change names
/// its subject with <see cref="AddTo"/> and saves with <c>SaveChangesAuditedAsync</c>, which appends the call's entry
/// in the same transaction; a read names its subject with <see cref="SaveReadAsync"/> and the audit interceptor
/// appends its entry before the answer leaves. A call that fails is recorded by the interceptor with its real outcome.
/// </summary>
public sealed class AssessmentAudit(AuditLog<RiskAssessmentDbContext> log)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    private const string AssessmentMethods = "/mappa.riskassessment.v1.AssessmentService/";

    /// <summary>The pending audit of the call being handled; set by the handler (null outside gRPC calls, e.g. tests).</summary>
    public PendingAudit? Pending { get; set; }

    /// <summary>Names the subject of the change about to be saved (with <c>SaveChangesAuditedAsync</c>).</summary>
    public void AddTo(string subjectId)
    {
        if (Pending is { IsClaimed: false } pending) pending.SetSubject(subjectId);
    }

    /// <summary>Names the subject of a read; the interceptor appends its entry when the call ends.</summary>
    public Task SaveReadAsync(string subjectId, CancellationToken cancellationToken)
    {
        AddTo(subjectId);
        return Task.CompletedTask;
    }

    /// <summary>A subject's AssessmentService entries, newest first.</summary>
    public async Task<(IReadOnlyList<AuditEntryRecord> Entries, string NextPageToken)> ListAsync(
        string subjectId, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (pageSize < 0)
        {
            violations.Add(new("page_size", "Must not be negative."));
        }
        long before = 0;
        if (pageToken.Length > 0 && (PageTokens.Decode(pageToken) is not { } key || !long.TryParse(key, out before) || before <= 0))
        {
            violations.Add(new("page_token", "Not a token this service issued."));
        }
        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }
        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        var page = await log.ListAsync(
            new AuditQuery(size + 1, before, SubjectId: subjectId, MethodPrefix: AssessmentMethods, NewestFirst: true), cancellationToken);
        var next = page.Count > size ? PageTokens.Encode(page[size - 1].Position.ToString(System.Globalization.CultureInfo.InvariantCulture)) : "";
        return (page.Take(size).Select(AuditEntryRecord.From).ToList(), next);
    }
}

/// <summary>
/// Moves the rows of the retired <c>audit_entries</c> table into the hash-chained audit log at start-up, oldest first,
/// in batches: each batch is deleted from the old table and appended in one transaction, so a row is never lost or
/// copied twice, even with several instances starting together (a batch's rows are claimed by its DELETE).
/// </summary>
public sealed partial class LegacyAuditImport(IServiceScopeFactory scopes, ILogger<LegacyAuditImport> logger) : IHostedService
{
    private const int BatchSize = 500;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var moved = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RiskAssessmentDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var oldest = await db.AuditEntries.AsNoTracking().OrderBy(e => e.EntryId).Select(e => e.EntryId)
                .Take(BatchSize).ToListAsync(cancellationToken);
            if (oldest.Count == 0) break;
            var rows = await db.AuditEntries.AsNoTracking().Where(e => oldest.Contains(e.EntryId)).ToListAsync(cancellationToken);
            var deleted = await db.AuditEntries.Where(e => oldest.Contains(e.EntryId)).ExecuteDeleteAsync(cancellationToken);
            if (deleted != rows.Count)
            {
                // Another instance took some of them first: leave this batch to it and look again.
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }
            // Oldest first (entry ids are version-7 GUIDs, so they sort by time), keeping each entry's id.
            var entries = rows.OrderBy(e => e.EntryId, StringComparer.Ordinal).Select(e => (e.EntryId, new AuditEntry(
                DateTimeOffset.FromUnixTimeMilliseconds(e.Time), e.Caller, e.Agency,
                e.Roles.Split(' ', StringSplitOptions.RemoveEmptyEntries), e.Method, e.SubjectId, (Grpc.StatusCode)e.Outcome, e.RequestId))).ToList();
            await AuditLogs.ImportAsync(db, entries, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            moved += entries.Count;
        }
        if (moved > 0) LogMoved(logger, moved);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} entries of the retired audit_entries table into the audit log")]
    private static partial void LogMoved(ILogger logger, int count);
}
