using Mappa.Messaging.Audit;
using Mappa.Core.Errors;
using Mappa.Core.Paging;
using Mappa.Events;
using MappaCategory = Mappa.Contracts.Common.V1.MappaCategory;
using MappaLevel = Mappa.Contracts.Common.V1.MappaLevel;
using Mappa.Events.RiskAssessment;
using Mappa.RiskAssessment.Persistence;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;

namespace Mappa.RiskAssessment.Features.Subjects;

/// <summary>
/// Registers and finds subjects. Every query is scoped to the caller's areas: a subject outside them is
/// reported as not found, so a caller cannot probe for people it may not see.
/// </summary>
public sealed class SubjectRegistry(RiskAssessmentDbContext db, TimeProvider clock)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    public const string GetSubjectMethod = "/mappa.riskassessment.v1.SubjectService/GetSubject";

    /// <summary>Registers a subject, or returns the one an earlier call with the same request id registered.</summary>
    public async Task<SubjectRecord> RegisterAsync(NewSubject request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        request.Validate();
        if (!caller.CanSeeArea(request.Area))
        {
            throw new Mappa.Grpc.RpcException(Mappa.Grpc.StatusCode.PermissionDenied, "The caller may not register subjects in that area.");
        }

        if (await FindByRequestIdAsync(request.RequestId, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        foreach (var (type, value) in request.Identifiers)
        {
            if (await db.SubjectIdentifiers.AnyAsync(i => i.Type == type && i.Value == value, cancellationToken))
            {
                // A concurrent retry of this same request may have committed since the check above: that is its
                // answer, not a conflict.
                if (await FindByRequestIdAsync(request.RequestId, cancellationToken) is { } concurrent)
                {
                    return concurrent;
                }
                // Said without the existing subject's id: the caller may not be entitled to see that record.
                throw new AlreadyExistsException("Subject", $"{type}:{value}");
            }
        }

        var subjectId = Guid.CreateVersion7(clock.GetUtcNow()).ToString();
        var now = clock.GetUtcNow();
        var subject = new SubjectRecord
        {
            SubjectId = subjectId,
            RequestId = string.IsNullOrEmpty(request.RequestId) ? null : request.RequestId,
            Category = (int)request.Category,
            Level = (int)MappaLevel._1,
            LeadAgency = (int)request.LeadAgency,
            Area = request.Area,
            DisplayName = request.DisplayName,
            CreatedAt = now.ToUnixTimeMilliseconds(),
            CreatedBy = caller.Subject,
            SupervisionStartDay = request.SupervisionStartDate?.DayNumber,
            Identifiers = request.Identifiers.Select(i => new SubjectIdentifierRecord { Type = i.Type, Value = i.Value, SubjectId = subjectId }).ToList(),
        };
        db.Subjects.Add(subject);
        db.RecordEvent(new SubjectRegistered
        {
            OccurredAt = now,
            Subject = new SubjectReference(subjectId, request.Identifiers.Select(i => new SubjectIdentifier(i.Type, i.Value)).ToList()),
            Detail = new DetailLink(GetSubjectMethod, "subject_id", subjectId),
            Area = request.Area,
            Category = ToEventCategory(request.Category),
            SupervisionStartDate = request.SupervisionStartDate,
        });
        Mappa.Security.PendingAudit.Current?.SetSubject(subjectId); // the audit entry is appended with the subject
        try
        {
            await db.SaveChangesAuditedAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another call registered the same request id or identifier between our check and our insert:
            // start again, and the checks above answer as they would have.
            if (await IsConcurrentDuplicateAsync(request, cancellationToken))
            {
                return await RegisterAsync(request, caller, cancellationToken);
            }
            throw;
        }
        return subject;
    }

    /// <summary>
    /// Sets or corrects when the subject's supervision started, announcing it (SupervisionStartDateSet) so deadlines
    /// that run from it can be planned. The date it already has changes nothing and announces nothing.
    /// </summary>
    public async Task<SubjectRecord> SetSupervisionStartDateAsync(string subjectId, DateOnly? supervisionStart, CallerIdentity caller,
        CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(subjectId))
        {
            violations.Add(new("subject_id", "Required."));
        }
        if (supervisionStart is null)
        {
            violations.Add(new("supervision_start_date", "Required."));
        }
        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }
        var subject = await db.Subjects.Include(s => s.Identifiers).FirstOrDefaultAsync(s => s.SubjectId == subjectId, cancellationToken);
        if (subject is null || !caller.CanSeeArea(subject.Area))
        {
            throw new NotFoundException("Subject", subjectId);
        }
        var start = supervisionStart!.Value;
        if (subject.SupervisionStartDay == start.DayNumber)
        {
            return subject;
        }
        var previous = subject.SupervisionStartDay is { } day ? DateOnly.FromDayNumber(day) : (DateOnly?)null;
        subject.SupervisionStartDay = start.DayNumber;
        db.RecordEvent(new SupervisionStartDateSet
        {
            OccurredAt = clock.GetUtcNow(),
            Subject = new SubjectReference(subject.SubjectId, subject.Identifiers.Select(i => new SubjectIdentifier(i.Type, i.Value)).ToList()),
            Detail = new DetailLink(GetSubjectMethod, "subject_id", subject.SubjectId),
            SupervisionStartDate = start,
            PreviousSupervisionStartDate = previous,
            Area = subject.Area,
        });
        await db.SaveChangesAuditedAsync(cancellationToken);
        return subject;
    }

    public async Task<SubjectRecord> GetAsync(string subjectId, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(subjectId))
        {
            throw new ValidationFailedException("subject_id", "Required.");
        }
        var subject = await db.Subjects.Include(s => s.Identifiers).AsNoTracking()
            .FirstOrDefaultAsync(s => s.SubjectId == subjectId, cancellationToken);
        if (subject is null || !caller.CanSeeArea(subject.Area))
        {
            throw new NotFoundException("Subject", subjectId);
        }
        return subject;
    }

    /// <summary>Newest first; the page token is the last subject id of the previous page.</summary>
    public async Task<(IReadOnlyList<SubjectRecord> Subjects, string NextPageToken)> ListAsync(
        int pageSize, string pageToken, string area, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (pageSize < 0)
        {
            violations.Add(new("page_size", "Must not be negative."));
        }
        var after = PageTokens.Decode(pageToken);
        if (pageToken.Length > 0 && after is null)
        {
            violations.Add(new("page_token", "Not a token this service issued."));
        }
        if (area.Length > 0 && !AreaCodes.IsValid(area))
        {
            violations.Add(new("area", AreaCodes.Rule));
        }
        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }

        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        IQueryable<SubjectRecord> query = db.Subjects.AsNoTracking().Include(s => s.Identifiers);
        if (area.Length > 0)
        {
            if (!caller.CanSeeArea(area))
            {
                return ([], "");
            }
            query = query.Where(s => s.Area == area);
        }
        else if (!caller.IsNational)
        {
            var areas = caller.Areas.ToArray();
            query = query.Where(s => areas.Contains(s.Area));
        }
        if (after is not null)
        {
            query = query.Where(s => string.Compare(s.SubjectId, after) < 0);
        }
        var page = await query.OrderByDescending(s => s.SubjectId).Take(size + 1).ToListAsync(cancellationToken);
        var next = page.Count > size ? PageTokens.Encode(page[size - 1].SubjectId) : "";
        return (page.Take(size).ToList(), next);
    }

    private async Task<SubjectRecord?> FindByRequestIdAsync(string? requestId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(requestId)
            ? null
            : await db.Subjects.Include(s => s.Identifiers).AsNoTracking().FirstOrDefaultAsync(s => s.RequestId == requestId, cancellationToken);

    private async Task<bool> IsConcurrentDuplicateAsync(NewSubject request, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        db.DiscardRecordedEvents();
        if (!string.IsNullOrEmpty(request.RequestId) && await db.Subjects.AnyAsync(s => s.RequestId == request.RequestId, cancellationToken))
        {
            return true;
        }
        foreach (var (type, value) in request.Identifiers)
        {
            if (await db.SubjectIdentifiers.AnyAsync(i => i.Type == type && i.Value == value, cancellationToken))
            {
                return true;
            }
        }
        return false;
    }

    private static Events.MappaCategory? ToEventCategory(MappaCategory category) => category switch
    {
        MappaCategory._1 => Events.MappaCategory.Category1,
        MappaCategory._2 => Events.MappaCategory.Category2,
        MappaCategory._3 => Events.MappaCategory.Category3,
        _ => null,
    };
}
