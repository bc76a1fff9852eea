using Mappa.Core.Errors;
using Mappa.Core.Paging;
using Mappa.Grpc.Server;
using Mappa.RiskAssessment.Persistence;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;

namespace Mappa.RiskAssessment.Features.Assessments;

/// <summary>An audit entry kept in the service's own database: ids, method and outcome only.</summary>
public sealed class AuditEntryRecord
{
    /// <summary>Version-7 GUID, so ids sort by time.</summary>
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
        entry.ToTable("audit_entries");
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
}

/// <summary>
/// Keeps the audit record of each AssessmentService call in the service's database. A change stores its entry in the
/// same transaction (<see cref="AddTo"/> before the one SaveChanges); a read stores it before its answer leaves
/// (<see cref="SaveReadAsync"/>). The entry is claimed from the security layer's pending audit, so a call that then
/// fails is still recorded, with its real outcome, by the audit interceptor's sink.
/// </summary>
public sealed class AssessmentAudit(RiskAssessmentDbContext db)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    private AuditEntryRecord? _entry;

    /// <summary>The pending audit of the call being handled; set by the handler (null outside gRPC calls, e.g. tests).</summary>
    public PendingAudit? Pending { get; set; }

    /// <summary>Adds the call's entry, about <paramref name="subjectId"/>, to the changes about to be saved.</summary>
    public void AddTo(string subjectId)
    {
        if (Pending is null || Pending.IsClaimed)
        {
            return;
        }
        Pending.SetSubject(subjectId);
        var entry = Pending.Claim();
        _entry = new AuditEntryRecord
        {
            EntryId = Guid.CreateVersion7(entry.Time).ToString(),
            Time = entry.Time.ToUnixTimeMilliseconds(),
            Caller = entry.Caller,
            Agency = entry.Agency,
            Roles = string.Join(' ', entry.Roles),
            Method = entry.Method,
            SubjectId = entry.SubjectId,
            Outcome = (int)entry.Outcome,
            RequestId = entry.RequestId,
        };
        db.AuditEntries.Add(_entry);
    }

    /// <summary>
    /// Stores the entry of a read, or of a change whose entry did not survive (a concurrent duplicate made the change's
    /// transaction roll back and the call answered with the first result instead).
    /// </summary>
    public async Task SaveReadAsync(string subjectId, CancellationToken cancellationToken)
    {
        if (_entry is not null)
        {
            if (db.Entry(_entry).State != EntityState.Detached)
            {
                return;
            }
            db.AuditEntries.Add(_entry);
        }
        else if (Pending is null || Pending.IsClaimed)
        {
            return;
        }
        else
        {
            AddTo(subjectId);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A subject's entries, newest first.</summary>
    public async Task<(IReadOnlyList<AuditEntryRecord> Entries, string NextPageToken)> ListAsync(
        string subjectId, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (pageSize < 0)
        {
            violations.Add(new("page_size", "Must not be negative."));
        }
        var before = PageTokens.Decode(pageToken);
        if (pageToken.Length > 0 && before is null)
        {
            violations.Add(new("page_token", "Not a token this service issued."));
        }
        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }
        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        var query = db.AuditEntries.AsNoTracking().Where(e => e.SubjectId == subjectId);
        if (before is not null)
        {
            query = query.Where(e => string.Compare(e.EntryId, before) < 0);
        }
        var page = await query.OrderByDescending(e => e.EntryId).Take(size + 1).ToListAsync(cancellationToken);
        var next = page.Count > size ? PageTokens.Encode(page[size - 1].EntryId) : "";
        return (page.Take(size).ToList(), next);
    }
}
