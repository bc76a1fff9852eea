using Mappa.Messaging.Audit;
using Mappa.CaseConference.Features.Conferences;
using Mappa.Core.Errors;
using Mappa.Core.Paging;
using Mappa.Grpc;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;

namespace Mappa.CaseConference.Persistence;

/// <summary>A loaded conference and the tracked row it came from (which carries the version it was read at).</summary>
public sealed record StoredConference(ConferenceRecord Record, Conference Conference);

/// <summary>What ListConferences filters on; empty strings mean "any".</summary>
public sealed record ConferenceListFilter(string Area, string SubjectId, ConferenceStatus? Status);

/// <summary>
/// Loads and saves conferences for the handlers and the consumer, always through the caller's view
/// (<see cref="ConferenceVisibility"/>): a conference the caller may not see is reported as not found.
/// One <see cref="SaveAsync"/> commits the change and the events recorded on <see cref="Db"/>.
/// </summary>
public sealed class ConferenceStore(CaseConferenceDbContext db)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public CaseConferenceDbContext Db => db;

    /// <summary>The conference, tracked for update; NOT_FOUND when missing or outside the caller's view.</summary>
    public async Task<StoredConference> GetAsync(string conferenceId, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(conferenceId))
            throw new ValidationFailedException("conference_id", "Required.");
        var stored = await FindAsync(conferenceId.Trim(), cancellationToken);
        if (stored is null || !ConferenceVisibility.CanSee(caller, stored.Conference))
            throw new NotFoundException("Conference", conferenceId);
        return stored;
    }

    /// <summary>The conference regardless of who asks (for the service's own work, e.g. the review-due consumer).</summary>
    public async Task<StoredConference?> FindAsync(string conferenceId, CancellationToken cancellationToken)
    {
        var record = await db.Conferences.FirstOrDefaultAsync(c => c.ConferenceId == conferenceId, cancellationToken);
        return record is null ? null : new StoredConference(record, ConferenceSnapshotJson.Read(record.Snapshot));
    }

    public async Task<StoredConference?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken)
    {
        var record = await db.Conferences.FirstOrDefaultAsync(c => c.RequestId == requestId, cancellationToken);
        return record is null ? null : new StoredConference(record, ConferenceSnapshotJson.Read(record.Snapshot));
    }

    public async Task<string?> FindBySourceObligationAsync(string obligationId, CancellationToken cancellationToken) =>
        await db.Conferences.AsNoTracking().Where(c => c.SourceObligationId == obligationId).Select(c => c.ConferenceId)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>What an earlier call with this request id added (invitation or action id), or null for a new request.</summary>
    public async Task<ConferenceRequestRecord?> FindRequestAsync(string method, string requestId, CancellationToken cancellationToken) =>
        await db.ConferenceRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Method == method && r.RequestId == requestId, cancellationToken);

    public void RememberRequest(string method, string requestId, string conferenceId, string? itemId) =>
        db.ConferenceRequests.Add(new ConferenceRequestRecord { Method = method, RequestId = requestId, ConferenceId = conferenceId, ItemId = itemId });

    public void Add(Conference conference, string? requestId)
    {
        var record = new ConferenceRecord
        {
            ConferenceId = conference.Id,
            RequestId = string.IsNullOrWhiteSpace(requestId) ? null : requestId,
            SourceObligationId = conference.SourceObligationId,
            Area = conference.Area,
            Kind = (int)conference.Kind,
            Status = (int)conference.Status,
            InvitedAgencies = "",
            CreatedAt = conference.CreatedAt.ToUnixTimeMilliseconds(),
            UpdatedAt = 0,
            Version = 0,
            Snapshot = "",
            Subjects = conference.SubjectIds.Select(id => new ConferenceSubjectRecord { ConferenceId = conference.Id, SubjectId = id }).ToList(),
        };
        CopyColumns(record, conference);
        db.Conferences.Add(record);
    }

    /// <summary>Replaces the stored aggregate; the save fails with ABORTED if someone else saved it since it was read.</summary>
    public StoredConference Update(StoredConference stored, Conference changed)
    {
        if (ReferenceEquals(stored.Conference, changed))
            return stored;
        CopyColumns(stored.Record, changed);
        stored.Record.Version++;
        return stored with { Conference = changed };
    }

    /// <summary>Commits the changes and recorded events; a concurrent edit of the same conference answers ABORTED (retry).</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        // The call's audit entry is appended in the same transaction; it names the changed conference's subject
        // unless the request named one.
        if (Mappa.Security.PendingAudit.Current is { IsClaimed: false, SubjectId: null } pending
            && db.ChangeTracker.Entries<ConferenceSubjectRecord>().Select(e => e.Entity.SubjectId).FirstOrDefault() is { } subjectId)
            pending.SetSubject(subjectId);
        try
        {
            await db.SaveChangesAuditedAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException conflict)
        {
            db.ChangeTracker.Clear();
            db.DiscardRecordedEvents();
            throw new RpcException(StatusCode.Aborted,
                "The conference was changed by another call since it was read; read it again and retry.", null, null, conflict);
        }
    }

    /// <summary>Every conference of a subject (for its standing and the last case facts); no caller scoping.</summary>
    public async Task<IReadOnlyList<Conference>> ForSubjectAsync(string subjectId, CancellationToken cancellationToken)
    {
        var snapshots = await db.Conferences.AsNoTracking()
            .Where(c => c.Subjects.Any(s => s.SubjectId == subjectId))
            .Select(c => c.Snapshot)
            .ToListAsync(cancellationToken);
        return snapshots.Select(ConferenceSnapshotJson.Read).ToArray();
    }

    /// <summary>Newest first; the page token is the last conference id of the previous page.</summary>
    public async Task<(IReadOnlyList<Conference> Conferences, string NextPageToken)> ListAsync(
        int pageSize, string pageToken, ConferenceListFilter filter, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (pageSize < 0)
            violations.Add(new("page_size", "Must not be negative."));
        var after = PageTokens.Decode(pageToken);
        if (pageToken.Length > 0 && after is null)
            violations.Add(new("page_token", "Not a token this service issued."));
        if (filter.Status is { } status && !Enum.IsDefined(status))
            violations.Add(new("status", "Not a known conference status."));
        if (violations.Count > 0)
            throw new ValidationFailedException(violations);

        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        var query = Visible(db.Conferences.AsNoTracking(), caller, filter.Area);
        if (filter.SubjectId.Length > 0)
            query = query.Where(c => c.Subjects.Any(s => s.SubjectId == filter.SubjectId));
        if (filter.Status is { } wanted)
            query = query.Where(c => c.Status == (int)wanted);
        if (after is not null)
            query = query.Where(c => string.Compare(c.ConferenceId, after) < 0);
        var page = await query.OrderByDescending(c => c.ConferenceId).Take(size + 1)
            .Select(c => new { c.ConferenceId, c.Snapshot }).ToListAsync(cancellationToken);
        var next = page.Count > size ? PageTokens.Encode(page[size - 1].ConferenceId) : "";
        return (page.Take(size).Select(c => ConferenceSnapshotJson.Read(c.Snapshot)).ToArray(), next);
    }

    /// <summary>Conferences the caller may see that were held in [start, end), optionally in one area.</summary>
    public async Task<IReadOnlyList<Conference>> HeldBetweenAsync(DateTimeOffset start, DateTimeOffset end, string area, CallerIdentity caller,
        CancellationToken cancellationToken)
    {
        long from = start.ToUnixTimeMilliseconds(), to = end.ToUnixTimeMilliseconds();
        var snapshots = await Visible(db.Conferences.AsNoTracking(), caller, area)
            .Where(c => c.HeldAt != null && c.HeldAt >= from && c.HeldAt < to)
            .Select(c => c.Snapshot)
            .ToListAsync(cancellationToken);
        return snapshots.Select(ConferenceSnapshotJson.Read).ToArray();
    }

    // Row scoping in SQL, matching ConferenceVisibility.CanSee for one conference.
    private static IQueryable<ConferenceRecord> Visible(IQueryable<ConferenceRecord> query, CallerIdentity caller, string area)
    {
        if (area.Length > 0)
        {
            if (!caller.CanSeeArea(area))
                return query.Where(_ => false);
            query = query.Where(c => c.Area == area);
        }
        else if (!caller.IsNational)
        {
            var areas = caller.Areas.ToArray();
            query = query.Where(c => areas.Contains(c.Area));
        }
        if (!ConferenceVisibility.SeesWholeArea(caller))
        {
            var invited = InvitedToken((int)caller.AgencyKind);
            query = query.Where(c => c.InvitedAgencies.Contains(invited));
        }
        return query;
    }

    private static void CopyColumns(ConferenceRecord record, Conference conference)
    {
        record.Area = conference.Area;
        record.Kind = (int)conference.Kind;
        record.Status = (int)conference.Status;
        record.StartTime = conference.StartTime?.ToUnixTimeMilliseconds();
        record.HeldAt = conference.HeldAt?.ToUnixTimeMilliseconds();
        record.InvitedAgencies = "|" + string.Concat(conference.Invitations.Select(i => (int)i.Agency.Kind).Distinct().Order().Select(k => $"{k}|"));
        record.UpdatedAt = conference.UpdatedAt.ToUnixTimeMilliseconds();
        record.Snapshot = ConferenceSnapshotJson.Write(conference);
    }

    private static string InvitedToken(int agencyKind) => $"|{agencyKind}|";
}
