using Microsoft.EntityFrameworkCore;

namespace Mappa.RiskAssessment.Features.Assessments;

/// <summary>
/// One completed assessment as stored. Rows are only ever inserted: a correction is a new row that names the one it
/// supersedes, and review-date changes are rows of <see cref="ReviewDateRecord"/>. The caller's input is kept exactly
/// (proto-encoded InstrumentScores) beside what the service derived from it (proto-encoded InstrumentResult) and the
/// rule set used, so a re-scoring audit can re-derive every result later.
/// </summary>
public sealed class AssessmentRecord
{
    public required string AssessmentId { get; init; }

    /// <summary>The client's request id of the call that recorded it, so a retried call returns this record.</summary>
    public string? RequestId { get; init; }

    public required string SubjectId { get; init; }

    public required int Instrument { get; init; }

    public required DateOnly AssessedOn { get; init; }

    public required string AssessorId { get; init; }

    public required int Agency { get; init; }

    public required string RuleSetId { get; init; }

    public required int RuleSetVersion { get; init; }

    /// <summary>mappa.riskassessment.v1.InstrumentScores, as the caller sent it.</summary>
    public required byte[] Scores { get; init; }

    /// <summary>mappa.riskassessment.v1.InstrumentResult, as the service derived it when recording.</summary>
    public required byte[] Result { get; init; }

    public string? LinkedAssessmentId { get; init; }

    /// <summary>Unique: an assessment is superseded at most once, which also settles two concurrent corrections.</summary>
    public string? SupersedesAssessmentId { get; init; }

    public string? SupersessionReason { get; init; }

    public DateOnly? SupervisionStart { get; init; }

    /// <summary>Unix milliseconds: portable across SQLite and PostgreSQL.</summary>
    public required long RecordedAt { get; init; }

    public required string RecordedBy { get; init; }

    internal static void Configure(ModelBuilder model)
    {
        model.Entity<AssessmentRecord>(assessment =>
        {
            assessment.ToTable("assessments");
            assessment.HasKey(a => a.AssessmentId);
            assessment.Property(a => a.AssessmentId).HasColumnName("assessment_id");
            assessment.Property(a => a.RequestId).HasColumnName("request_id");
            assessment.Property(a => a.SubjectId).HasColumnName("subject_id");
            assessment.Property(a => a.Instrument).HasColumnName("instrument");
            assessment.Property(a => a.AssessedOn).HasColumnName("assessed_on");
            assessment.Property(a => a.AssessorId).HasColumnName("assessor_id");
            assessment.Property(a => a.Agency).HasColumnName("agency");
            assessment.Property(a => a.RuleSetId).HasColumnName("rule_set_id");
            assessment.Property(a => a.RuleSetVersion).HasColumnName("rule_set_version");
            assessment.Property(a => a.Scores).HasColumnName("scores");
            assessment.Property(a => a.Result).HasColumnName("result");
            assessment.Property(a => a.LinkedAssessmentId).HasColumnName("linked_assessment_id");
            assessment.Property(a => a.SupersedesAssessmentId).HasColumnName("supersedes_assessment_id");
            assessment.Property(a => a.SupersessionReason).HasColumnName("supersession_reason");
            assessment.Property(a => a.SupervisionStart).HasColumnName("supervision_start");
            assessment.Property(a => a.RecordedAt).HasColumnName("recorded_at");
            assessment.Property(a => a.RecordedBy).HasColumnName("recorded_by");
        });
        model.Entity<ReviewDateRecord>(review =>
        {
            review.ToTable("assessment_review_dates");
            review.HasKey(r => new { r.AssessmentId, r.Sequence });
            // Declared so EF inserts the assessment before its first review-date row.
            review.HasOne<AssessmentRecord>().WithMany().HasForeignKey(r => r.AssessmentId);
            review.Property(r => r.AssessmentId).HasColumnName("assessment_id");
            review.Property(r => r.Sequence).HasColumnName("sequence");
            review.Property(r => r.ReviewDate).HasColumnName("review_date");
            review.Property(r => r.PolicyDate).HasColumnName("policy_date");
            review.Property(r => r.Basis).HasColumnName("basis");
            review.Property(r => r.Reason).HasColumnName("reason");
            review.Property(r => r.SetAt).HasColumnName("set_at");
            review.Property(r => r.SetBy).HasColumnName("set_by");
        });
    }
}

/// <summary>
/// One decision about an assessment's next review date; the one with the highest sequence is current. The primary key
/// (assessment, sequence) makes two concurrent changes collide instead of both appearing to win.
/// </summary>
public sealed class ReviewDateRecord
{
    public required string AssessmentId { get; init; }

    public required int Sequence { get; init; }

    /// <summary>Null when no review date applies.</summary>
    public DateOnly? ReviewDate { get; init; }

    /// <summary>What the policy gave when the assessment was recorded (kept on every row for comparison).</summary>
    public DateOnly? PolicyDate { get; init; }

    /// <summary>mappa.riskassessment.v1.ReviewDateBasis.</summary>
    public required int Basis { get; init; }

    public string? Reason { get; init; }

    public required long SetAt { get; init; }

    public required string SetBy { get; init; }
}
