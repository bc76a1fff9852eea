using Mappa.Messaging.Audit;
using Google.Protobuf;
using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Persistence;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;
using Pb = Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.RiskAssessment.Features.Assessments;

/// <summary>
/// Work in progress on an assessment. A draft is not part of the record, so unlike an assessment it may be replaced
/// while it is being filled in; completing it records an assessment exactly as RecordAssessment does, and from
/// then on the draft only points at that assessment.
/// </summary>
public sealed class DraftRecord
{
    public required string DraftId { get; init; }
    public required string SubjectId { get; init; }
    public required int Instrument { get; init; }
    public required byte[] Scores { get; set; }
    public required long UpdatedAt { get; set; }
    public required string SavedBy { get; set; }
    public string? CompletedAssessmentId { get; set; }

    internal static void Configure(ModelBuilder model) => model.Entity<DraftRecord>(draft =>
    {
        draft.ToTable("assessment_drafts");
        draft.HasKey(d => d.DraftId);
        // Declared so EF inserts the new assessment before pointing the draft at it.
        draft.HasOne<AssessmentRecord>().WithMany().HasForeignKey(d => d.CompletedAssessmentId);
        draft.Property(d => d.DraftId).HasColumnName("draft_id");
        draft.Property(d => d.SubjectId).HasColumnName("subject_id");
        draft.Property(d => d.Instrument).HasColumnName("instrument");
        draft.Property(d => d.Scores).HasColumnName("scores");
        draft.Property(d => d.UpdatedAt).HasColumnName("updated_at");
        draft.Property(d => d.SavedBy).HasColumnName("saved_by");
        draft.Property(d => d.CompletedAssessmentId).HasColumnName("completed_assessment_id");
    });
}

public sealed record DraftView(DraftRecord Record, InstrumentResult? Result, IReadOnlyList<string> IncompleteFields);

public sealed class AssessmentDrafts(
    RiskAssessmentDbContext db, InstrumentScoring scoring, AssessmentRequests requests, AssessmentBook book, AssessmentAudit audit, TimeProvider clock)
{
    public async Task<DraftView> SaveAsync(Pb.SaveDraftRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrEmpty(request.SubjectId))
        {
            violations.Add(new("subject_id", "Required."));
        }
        if (request.DraftId.Length > 0 && !Guid.TryParse(request.DraftId, out _))
        {
            violations.Add(new("draft_id", "Not a draft id this service issued."));
        }
        if (!Enum.IsDefined((Instrument)request.Instrument))
        {
            violations.Add(new("instrument", "Say which instrument the assessment uses."));
        }
        else if (request.Scores is null || (int)request.Scores.InstrumentCase != (int)request.Instrument)
        {
            violations.Add(new("scores", "The draft's scores must be for its instrument (items may still be missing)."));
        }
        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }

        var subject = await book.SubjectAsync(request.SubjectId, caller, cancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        DraftRecord draft;
        if (request.DraftId.Length > 0)
        {
            draft = await db.Drafts.FirstOrDefaultAsync(d => d.DraftId == request.DraftId && d.SubjectId == subject.SubjectId, cancellationToken)
                ?? throw new NotFoundException("Draft", request.DraftId);
            if (draft.CompletedAssessmentId is not null)
            {
                throw new PreconditionFailedException("DRAFT_COMPLETED",
                    $"The draft became assessment {draft.CompletedAssessmentId}; correct that with SupersedeAssessment.");
            }
            if (draft.Instrument != (int)request.Instrument)
            {
                throw new ValidationFailedException("instrument", "A draft keeps the instrument it was started with.");
            }
            draft.Scores = request.Scores!.ToByteArray();
            draft.UpdatedAt = now;
            draft.SavedBy = caller.Subject;
        }
        else
        {
            draft = new DraftRecord
            {
                DraftId = Guid.CreateVersion7().ToString(),
                SubjectId = subject.SubjectId,
                Instrument = (int)request.Instrument,
                Scores = request.Scores!.ToByteArray(),
                UpdatedAt = now,
                SavedBy = caller.Subject,
            };
            db.Drafts.Add(draft);
        }
        audit.AddTo(subject.SubjectId);
        await db.SaveChangesAuditedAsync(cancellationToken);
        return View(draft);
    }

    public async Task<AssessmentView> CompleteAsync(Pb.CompleteDraftRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.DraftId))
        {
            throw new ValidationFailedException("draft_id", "Required.");
        }
        var draft = await db.Drafts.AsNoTracking().FirstOrDefaultAsync(d => d.DraftId == request.DraftId, cancellationToken);
        if (draft is null)
        {
            throw new NotFoundException("Draft", request.DraftId);
        }
        await book.SubjectAsync(draft.SubjectId, caller, cancellationToken);
        if (draft.CompletedAssessmentId is not null)
        {
            return await book.GetAsync(draft.CompletedAssessmentId, caller, cancellationToken);
        }

        var asRecorded = new Pb.RecordAssessmentRequest
        {
            RequestId = request.RequestId,
            SubjectId = draft.SubjectId,
            Instrument = (Pb.Instrument)draft.Instrument,
            Scores = Pb.InstrumentScores.Parser.ParseFrom(draft.Scores),
            AssessedDate = request.AssessedDate,
            AssessorId = request.AssessorId,
            Agency = request.Agency,
            LinkedAssessmentId = request.LinkedAssessmentId,
            SupervisionStartDate = request.SupervisionStartDate,
            EarlierReviewDate = request.EarlierReviewDate,
        };
        var recorded = await book.RecordAsync(requests.Validate(asRecorded), caller, cancellationToken,
            beforeCommit: assessmentId => MarkCompleted(draft.DraftId, assessmentId));
        // A retry answered by an earlier call with the same request id saved nothing now: make sure the draft points at it.
        if (await db.Drafts.AsNoTracking().AnyAsync(d => d.DraftId == draft.DraftId && d.CompletedAssessmentId == null, cancellationToken))
        {
            db.ChangeTracker.Clear();
            MarkCompleted(draft.DraftId, recorded.Record.AssessmentId);
            await db.SaveChangesAuditedAsync(cancellationToken);
        }
        return recorded;
    }

    private void MarkCompleted(string draftId, string assessmentId)
    {
        var tracked = db.Drafts.Local.FirstOrDefault(d => d.DraftId == draftId) ?? db.Drafts.Find(draftId)!;
        tracked.CompletedAssessmentId = assessmentId;
    }

    public DraftView View(DraftRecord draft)
    {
        var scores = Pb.InstrumentScores.Parser.ParseFrom(draft.Scores);
        try
        {
            var result = scoring.Score((Instrument)draft.Instrument, scores.ToDomain("scores"), "scores");
            return new DraftView(draft, result, []);
        }
        catch (ValidationFailedException incomplete)
        {
            return new DraftView(draft, null, incomplete.Violations.Select(v => v.Field).Distinct().ToArray());
        }
    }
}
