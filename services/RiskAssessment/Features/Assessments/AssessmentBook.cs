using Mappa.Messaging.Audit;
using Google.Protobuf;
using Mappa.Core.Errors;
using Mappa.Core.Paging;
using Mappa.Events;
using Mappa.Events.RiskAssessment;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Features.Instruments.Screening;
using Mappa.RiskAssessment.Features.Subjects;
using Mappa.RiskAssessment.Persistence;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;
using Pb = Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.RiskAssessment.Features.Assessments;

/// <summary>An assessment as read: the stored row, whether a correction replaced it, and its current review date.</summary>
public sealed record AssessmentView(AssessmentRecord Record, string? SupersededBy, ReviewDateRecord? Review, InstrumentResult Result)
{
    public Instrument Instrument => (Instrument)Record.Instrument;

    public bool IsCurrent => SupersededBy is null;

    /// <summary>The next review date; none once superseded (the correction carries its own).</summary>
    public DateOnly? NextReviewDate => IsCurrent ? Review?.ReviewDate : null;

    public string Level => HeadlineLevels.Of(Result);
}

/// <summary>
/// The append-only assessment record of each subject: records, corrections (supersession), review dates, and the
/// reads over them. Every query is scoped to the caller's areas through the subject; anything outside them is
/// NOT_FOUND, so a caller cannot probe for people. Data and events are committed together (outbox).
/// </summary>
public sealed class AssessmentBook(RiskAssessmentDbContext db, ReviewPolicy policy, AssessmentAudit audit, TimeProvider clock)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    public const string GetAssessmentMethod = "/mappa.riskassessment.v1.AssessmentService/GetAssessment";

    /// <param name="beforeCommit">Called with the new assessment's id just before the one commit, to add related changes to it.</param>
    public async Task<AssessmentView> RecordAsync(
        NewAssessment request, CallerIdentity caller, CancellationToken cancellationToken, Action<string>? beforeCommit = null)
    {
        if (await EarlierAsync(request.RequestId, caller, cancellationToken) is { } earlier)
        {
            return earlier;
        }
        var subject = await SubjectAsync(request.SubjectId, caller, cancellationToken);
        var previous = await LatestCurrentAsync(subject.SubjectId, request.Scored.Input.Instrument, cancellationToken);
        try
        {
            return await InsertAsync(subject, request.RequestId, request.Scored, request.Circumstances, previous, supersession: null, caller, cancellationToken, beforeCommit);
        }
        catch (DbUpdateException) when (request.RequestId is not null)
        {
            // A concurrent retry with the same request id won: answer as it did.
            if (await IsRecordedAsync(request.RequestId, cancellationToken))
            {
                return (await EarlierAsync(request.RequestId, caller, cancellationToken))!;
            }
            throw;
        }
    }

    public async Task<(AssessmentView Correction, AssessmentView Superseded)> SupersedeAsync(
        AssessmentCorrection request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (await EarlierAsync(request.RequestId, caller, cancellationToken) is { } earlier)
        {
            return (earlier, await GetAsync(earlier.Record.SupersedesAssessmentId!, caller, cancellationToken));
        }
        var old = await GetAsync(request.AssessmentId, caller, cancellationToken);
        if (!old.IsCurrent)
        {
            throw new PreconditionFailedException("ASSESSMENT_ALREADY_SUPERSEDED",
                $"Assessment {old.Record.AssessmentId} was already superseded by {old.SupersededBy}; correct that one instead.");
        }
        InstrumentScoring.EnsureInstrument(old.Instrument, request.Scored.Input, "scores");
        var subject = await SubjectAsync(old.Record.SubjectId, caller, cancellationToken);
        try
        {
            var correction = await InsertAsync(subject, request.RequestId, request.Scored, request.Circumstances, old,
                (old.Record.AssessmentId, request.Reason), caller, cancellationToken);
            return (correction, await GetAsync(old.Record.AssessmentId, caller, cancellationToken));
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            db.DiscardRecordedEvents();
            if (request.RequestId is not null && await IsRecordedAsync(request.RequestId, cancellationToken))
            {
                var retried = (await EarlierAsync(request.RequestId, caller, cancellationToken))!;
                return (retried, await GetAsync(old.Record.AssessmentId, caller, cancellationToken));
            }
            throw new PreconditionFailedException("ASSESSMENT_ALREADY_SUPERSEDED",
                $"Assessment {old.Record.AssessmentId} was superseded by another correction at the same time.");
        }
    }

    public async Task<AssessmentView> GetAsync(string assessmentId, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(assessmentId))
        {
            throw new ValidationFailedException("assessment_id", "Required.");
        }
        var record = await db.Assessments.AsNoTracking().FirstOrDefaultAsync(a => a.AssessmentId == assessmentId, cancellationToken);
        if (record is null || !await IsVisibleAsync(record.SubjectId, caller, cancellationToken))
        {
            throw new NotFoundException("Assessment", assessmentId);
        }
        return (await ViewsAsync([record], cancellationToken))[0];
    }

    /// <summary>Newest assessed first (then newest recorded); the page token is the last row's (date, id).</summary>
    public async Task<(IReadOnlyList<AssessmentView> Assessments, string NextPageToken)> ListAsync(
        Pb.ListAssessmentsRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrEmpty(request.SubjectId))
        {
            violations.Add(new("subject_id", "Required."));
        }
        if (request.PageSize < 0)
        {
            violations.Add(new("page_size", "Must not be negative."));
        }
        var after = DecodeListToken(request.PageToken);
        if (request.PageToken.Length > 0 && after is null)
        {
            violations.Add(new("page_token", "Not a token this service issued."));
        }
        if (request.Instrument != Pb.Instrument.Unspecified && !Enum.IsDefined((Instrument)request.Instrument))
        {
            violations.Add(new("instrument", "Not an instrument."));
        }
        var from = AssessmentRequests.Date(request.AssessedFrom, "assessed_from", required: false, violations);
        var to = AssessmentRequests.Date(request.AssessedTo, "assessed_to", required: false, violations);
        if (from is { } f && to is { } t && t < f)
        {
            violations.Add(new("assessed_to", "Must not be before assessed_from."));
        }
        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }

        var subject = await SubjectAsync(request.SubjectId, caller, cancellationToken);
        var size = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var query = db.Assessments.AsNoTracking().Where(a => a.SubjectId == subject.SubjectId);
        if (request.Instrument != Pb.Instrument.Unspecified)
        {
            var instrument = (int)request.Instrument;
            query = query.Where(a => a.Instrument == instrument);
        }
        if (from is { } fromDate)
        {
            query = query.Where(a => a.AssessedOn >= fromDate);
        }
        if (to is { } toDate)
        {
            query = query.Where(a => a.AssessedOn <= toDate);
        }
        if (!request.IncludeSuperseded)
        {
            query = query.Where(a => !db.Assessments.Any(next => next.SupersedesAssessmentId == a.AssessmentId));
        }
        if (after is { } position)
        {
            query = query.Where(a => a.AssessedOn < position.Date || (a.AssessedOn == position.Date && string.Compare(a.AssessmentId, position.Id) < 0));
        }
        var page = await query.OrderByDescending(a => a.AssessedOn).ThenByDescending(a => a.AssessmentId).Take(size + 1).ToListAsync(cancellationToken);
        var next = page.Count > size ? PageTokens.Encode($"{page[size - 1].AssessedOn:yyyy-MM-dd}|{page[size - 1].AssessmentId}") : "";
        return (await ViewsAsync(page.Take(size).ToList(), cancellationToken), next);
    }

    public async Task<AssessmentView> SetReviewDateAsync(ReviewDateChange change, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var view = await GetAsync(change.AssessmentId, caller, cancellationToken);
        if (!view.IsCurrent)
        {
            throw new PreconditionFailedException("ASSESSMENT_ALREADY_SUPERSEDED",
                $"Assessment {view.Record.AssessmentId} was superseded by {view.SupersededBy}; set the review date of that one.");
        }
        if (change.ReviewDate <= view.Record.AssessedOn)
        {
            throw new ValidationFailedException("review_date", "Must be after the assessed date.");
        }
        var subject = await SubjectAsync(view.Record.SubjectId, caller, cancellationToken);
        var now = clock.GetUtcNow();
        var review = new ReviewDateRecord
        {
            AssessmentId = view.Record.AssessmentId,
            Sequence = (view.Review?.Sequence ?? 0) + 1,
            ReviewDate = change.ReviewDate,
            PolicyDate = view.Review?.PolicyDate,
            Basis = (int)Pb.ReviewDateBasis.Approved,
            Reason = change.Reason,
            SetAt = now.ToUnixTimeMilliseconds(),
            SetBy = caller.Subject,
        };
        db.ReviewDates.Add(review);
        db.RecordEvent(new ReviewDateSet
        {
            OccurredAt = now,
            Subject = Reference(subject),
            Detail = Detail(view.Record.AssessmentId),
            AssessmentId = view.Record.AssessmentId,
            NextReviewDate = change.ReviewDate,
            PreviousReviewDate = view.Review?.ReviewDate,
        });
        audit.AddTo(subject.SubjectId);
        try
        {
            await db.SaveChangesAuditedAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            db.DiscardRecordedEvents();
            throw new PreconditionFailedException("REVIEW_DATE_CHANGED_CONCURRENTLY",
                "Another change to this review date was saved at the same time; read the assessment and try again.");
        }
        return view with { Review = review };
    }

    /// <summary>The subject and every current assessment of theirs, for the risk summary.</summary>
    public async Task<(SubjectRecord Subject, IReadOnlyList<AssessmentView> Current)> CurrentAsync(
        string subjectId, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var subject = await SubjectAsync(subjectId, caller, cancellationToken);
        var records = await db.Assessments.AsNoTracking()
            .Where(a => a.SubjectId == subject.SubjectId && !db.Assessments.Any(next => next.SupersedesAssessmentId == a.AssessmentId))
            .ToListAsync(cancellationToken);
        return (subject, await ViewsAsync(records, cancellationToken));
    }

    /// <summary>The subject, or NOT_FOUND when it does not exist or lies outside the caller's areas.</summary>
    public async Task<SubjectRecord> SubjectAsync(string subjectId, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var subject = await db.Subjects.Include(s => s.Identifiers).AsNoTracking()
            .FirstOrDefaultAsync(s => s.SubjectId == subjectId, cancellationToken);
        if (subject is null || !caller.CanSeeArea(subject.Area))
        {
            throw new NotFoundException("Subject", subjectId);
        }
        return subject;
    }

    private async Task<AssessmentView> InsertAsync(
        SubjectRecord subject, string? requestId, ScoredInput scored, AssessmentCircumstances circumstances,
        AssessmentView? previous, (string AssessmentId, string Reason)? supersession, CallerIdentity caller, CancellationToken cancellationToken,
        Action<string>? beforeCommit = null)
    {
        await ResolveLinksAsync(subject, scored, circumstances, cancellationToken);

        var instrument = scored.Input.Instrument;
        var level = HeadlineLevels.Of(scored.Result);
        var policyDate = policy.PolicyReviewDate(instrument, level, subject.Level, circumstances.AssessedOn, subject.Area);
        var (reviewDate, basis) = (policyDate, policyDate is null ? Pb.ReviewDateBasis.None : Pb.ReviewDateBasis.Policy);
        if (circumstances.EarlierReviewDate is { } earlier)
        {
            if (policyDate is { } byPolicy && earlier >= byPolicy)
            {
                throw new ValidationFailedException("earlier_review_date.review_date",
                    $"Must be before the policy review date {byPolicy:yyyy-MM-dd}; a later date needs an approver (SetReviewDate).");
            }
            (reviewDate, basis) = (earlier, Pb.ReviewDateBasis.EarlierByAssessor);
        }

        var now = clock.GetUtcNow();
        var assessmentId = Guid.CreateVersion7(now).ToString();
        var record = new AssessmentRecord
        {
            AssessmentId = assessmentId,
            RequestId = requestId,
            SubjectId = subject.SubjectId,
            Instrument = (int)instrument,
            AssessedOn = circumstances.AssessedOn,
            AssessorId = circumstances.AssessorId,
            Agency = (int)circumstances.Agency,
            RuleSetId = scored.Result.RuleSet.Id,
            RuleSetVersion = scored.Result.RuleSet.Version,
            Scores = scored.Scores.ToByteArray(),
            Result = scored.Result.ToContract().ToByteArray(),
            LinkedAssessmentId = circumstances.LinkedAssessmentId,
            SupersedesAssessmentId = supersession?.AssessmentId,
            SupersessionReason = supersession?.Reason,
            SupervisionStart = circumstances.SupervisionStart,
            RecordedAt = now.ToUnixTimeMilliseconds(),
            RecordedBy = caller.Subject,
        };
        var review = new ReviewDateRecord
        {
            AssessmentId = assessmentId,
            Sequence = 1,
            ReviewDate = reviewDate,
            PolicyDate = policyDate,
            Basis = (int)basis,
            Reason = circumstances.EarlierReviewReason,
            SetAt = now.ToUnixTimeMilliseconds(),
            SetBy = caller.Subject,
        };
        db.Assessments.Add(record);
        db.ReviewDates.Add(review);

        var reference = Reference(subject);
        var eventInstrument = (RiskInstrument)(int)instrument;
        db.RecordEvent(new AssessmentRecorded
        {
            OccurredAt = now,
            Subject = reference,
            Detail = Detail(assessmentId),
            AssessmentId = assessmentId,
            Instrument = eventInstrument,
            RuleSetVersion = scored.Result.RuleSet.ToString(),
            Area = subject.Area,
            Level = level,
            SupersedesAssessmentId = supersession?.AssessmentId,
        });
        if (supersession is { } replaced)
        {
            db.RecordEvent(new AssessmentSuperseded
            {
                OccurredAt = now,
                Subject = reference,
                Detail = Detail(replaced.AssessmentId),
                AssessmentId = replaced.AssessmentId,
                SupersededByAssessmentId = assessmentId,
                Instrument = eventInstrument,
            });
        }
        if (previous is not null && previous.Level != level)
        {
            db.RecordEvent(new RiskLevelChanged
            {
                OccurredAt = now,
                Subject = reference,
                Detail = Detail(assessmentId),
                AssessmentId = assessmentId,
                Instrument = eventInstrument,
                PreviousAssessmentId = previous.Record.AssessmentId,
                PreviousLevel = previous.Level,
                NewLevel = level,
            });
        }
        if (reviewDate is { } next)
        {
            db.RecordEvent(new ReviewDateSet
            {
                OccurredAt = now,
                Subject = reference,
                Detail = Detail(assessmentId),
                AssessmentId = assessmentId,
                NextReviewDate = next,
                PreviousReviewDate = previous?.NextReviewDate,
            });
        }
        audit.AddTo(subject.SubjectId);
        beforeCommit?.Invoke(assessmentId);
        await db.SaveChangesAuditedAsync(cancellationToken);
        return new AssessmentView(record, null, review, scored.Result);
    }

    // Every reference must resolve to an assessment of the same subject (inspection 002: reports cited screenings
    // that could not be found).
    private async Task ResolveLinksAsync(SubjectRecord subject, ScoredInput scored, AssessmentCircumstances circumstances, CancellationToken cancellationToken)
    {
        if (circumstances.LinkedAssessmentId is { } linked && await InstrumentOfAsync(subject.SubjectId, linked, cancellationToken) is null)
        {
            throw new ValidationFailedException("linked_assessment_id", $"No assessment {linked} of this subject.");
        }
        if (scored.Input is LsiRSvInput { FullAssessmentId: { } full })
        {
            var instrument = await InstrumentOfAsync(subject.SubjectId, full, cancellationToken)
                ?? throw new ValidationFailedException("scores.lsi_r_sv.full_assessment_id", $"No assessment {full} of this subject.");
            LsiRSvScorer.EnsureLinkIsFullAssessment(full, instrument, "scores");
        }
    }

    private async Task<Instrument?> InstrumentOfAsync(string subjectId, string assessmentId, CancellationToken cancellationToken)
    {
        var found = await db.Assessments.AsNoTracking()
            .Where(a => a.AssessmentId == assessmentId && a.SubjectId == subjectId)
            .Select(a => (int?)a.Instrument)
            .FirstOrDefaultAsync(cancellationToken);
        return found is { } instrument ? (Instrument)instrument : null;
    }

    private async Task<AssessmentView?> LatestCurrentAsync(string subjectId, Instrument instrument, CancellationToken cancellationToken)
    {
        var latest = await db.Assessments.AsNoTracking()
            .Where(a => a.SubjectId == subjectId && a.Instrument == (int)instrument
                && !db.Assessments.Any(next => next.SupersedesAssessmentId == a.AssessmentId))
            .OrderByDescending(a => a.AssessedOn).ThenByDescending(a => a.AssessmentId)
            .FirstOrDefaultAsync(cancellationToken);
        return latest is null ? null : (await ViewsAsync([latest], cancellationToken))[0];
    }

    private async Task<AssessmentView?> EarlierAsync(string? requestId, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (requestId is null)
        {
            return null;
        }
        var earlier = await db.Assessments.AsNoTracking().FirstOrDefaultAsync(a => a.RequestId == requestId, cancellationToken);
        if (earlier is null)
        {
            return null;
        }
        return await GetAsync(earlier.AssessmentId, caller, cancellationToken);
    }

    private async Task<bool> IsRecordedAsync(string requestId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        db.DiscardRecordedEvents();
        return await db.Assessments.AnyAsync(a => a.RequestId == requestId, cancellationToken);
    }

    private async Task<bool> IsVisibleAsync(string subjectId, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var area = await db.Subjects.AsNoTracking().Where(s => s.SubjectId == subjectId).Select(s => s.Area).FirstOrDefaultAsync(cancellationToken);
        return area is not null && caller.CanSeeArea(area);
    }

    /// <summary>Views of <paramref name="records"/> in the same order, with their successors and current review dates.</summary>
    public async Task<IReadOnlyList<AssessmentView>> ViewsAsync(IReadOnlyList<AssessmentRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return [];
        }
        var ids = records.Select(r => r.AssessmentId).ToArray();
        var successors = await db.Assessments.AsNoTracking()
            .Where(a => a.SupersedesAssessmentId != null && ids.Contains(a.SupersedesAssessmentId))
            .Select(a => new { Old = a.SupersedesAssessmentId!, New = a.AssessmentId })
            .ToDictionaryAsync(a => a.Old, a => a.New, cancellationToken);
        var reviews = (await db.ReviewDates.AsNoTracking().Where(r => ids.Contains(r.AssessmentId)).ToListAsync(cancellationToken))
            .GroupBy(r => r.AssessmentId)
            .ToDictionary(g => g.Key, g => g.MaxBy(r => r.Sequence)!);
        return records.Select(r => new AssessmentView(
            r,
            successors.GetValueOrDefault(r.AssessmentId),
            reviews.GetValueOrDefault(r.AssessmentId),
            Pb.InstrumentResult.Parser.ParseFrom(r.Result).ToDomain())).ToArray();
    }

    private static SubjectReference Reference(SubjectRecord subject) =>
        new(subject.SubjectId, subject.Identifiers.Select(i => new SubjectIdentifier(i.Type, i.Value)).ToList());

    private static DetailLink Detail(string assessmentId) => new(GetAssessmentMethod, "assessment_id", assessmentId);

    private static (DateOnly Date, string Id)? DecodeListToken(string token)
    {
        var decoded = PageTokens.Decode(token);
        if (decoded is null)
        {
            return null;
        }
        var parts = decoded.Split('|', 2);
        return parts.Length == 2 && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", out var date) ? (date, parts[1]) : null;
    }
}
