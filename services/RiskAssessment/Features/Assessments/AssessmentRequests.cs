using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Pb = Mappa.Contracts.RiskAssessment.V1;
using AgencyKind = Mappa.Contracts.Common.V1.AgencyKind;

namespace Mappa.RiskAssessment.Features.Assessments;

/// <summary>The facts around an assessment's scores: when, by whom, what it cites, and an earlier review date if asked for.</summary>
public sealed record AssessmentCircumstances(
    DateOnly AssessedOn,
    string AssessorId,
    AgencyKind Agency,
    string? LinkedAssessmentId,
    DateOnly? SupervisionStart,
    DateOnly? EarlierReviewDate,
    string? EarlierReviewReason);

/// <summary>Validated scores: the input as recorded and what the service derived from it under the current rule set.</summary>
public sealed record ScoredInput(InstrumentInput Input, InstrumentResult Result, Pb.InstrumentScores Scores);

public sealed record NewAssessment(string? RequestId, string SubjectId, ScoredInput Scored, AssessmentCircumstances Circumstances);

public sealed record AssessmentCorrection(string? RequestId, string AssessmentId, ScoredInput Scored, string Reason, AssessmentCircumstances Circumstances);

public sealed record ReviewDateChange(string AssessmentId, DateOnly ReviewDate, string Reason);

/// <summary>
/// Checks requests before anything is read or stored, naming every broken field by its proto path (e.g.
/// "scores.ls_cmi.items[3].score"), so a caller learns all problems at once and nothing half-valid is kept.
/// </summary>
public sealed class AssessmentRequests(InstrumentScoring scoring, TimeProvider clock)
{
    public const int MaxIdLength = 100;
    public const int MaxReasonLength = 2000;
    private static readonly DateOnly EarliestPlausibleDate = new(1990, 1, 1);

    public NewAssessment Validate(Pb.RecordAssessmentRequest request)
    {
        var violations = new List<FieldViolation>();
        CheckRequestId(request.RequestId, violations);
        CheckId(request.SubjectId, "subject_id", required: true, violations);
        Instrument? declared = Enum.IsDefined((Instrument)request.Instrument) ? (Instrument)request.Instrument : null;
        if (declared is null)
        {
            violations.Add(new("instrument", "Say which instrument the assessment uses."));
        }
        var scored = Score(request.Scores, declared, violations);
        var circumstances = Circumstances(request.AssessedDate, request.AssessorId, request.Agency, request.LinkedAssessmentId,
            request.SupervisionStartDate, request.EarlierReviewDate, violations);
        CheckOverrideApprover(scored, request.AssessorId, violations);
        ThrowIfAny(violations);
        return new NewAssessment(Empty(request.RequestId), request.SubjectId, scored!, circumstances!);
    }

    public AssessmentCorrection Validate(Pb.SupersedeAssessmentRequest request)
    {
        var violations = new List<FieldViolation>();
        CheckRequestId(request.RequestId, violations);
        CheckId(request.AssessmentId, "assessment_id", required: true, violations);
        CheckReason(request.Reason, "reason", violations);
        var scored = Score(request.Scores, declared: null, violations);
        var circumstances = Circumstances(request.AssessedDate, request.AssessorId, request.Agency, request.LinkedAssessmentId,
            request.SupervisionStartDate, request.EarlierReviewDate, violations);
        CheckOverrideApprover(scored, request.AssessorId, violations);
        ThrowIfAny(violations);
        return new AssessmentCorrection(Empty(request.RequestId), request.AssessmentId, scored!, request.Reason.Trim(), circumstances!);
    }

    public ReviewDateChange Validate(Pb.SetReviewDateRequest request)
    {
        var violations = new List<FieldViolation>();
        CheckId(request.AssessmentId, "assessment_id", required: true, violations);
        var date = Date(request.ReviewDate, "review_date", required: true, violations);
        CheckReason(request.Reason, "reason", violations);
        ThrowIfAny(violations);
        return new ReviewDateChange(request.AssessmentId, date!.Value, request.Reason.Trim());
    }

    /// <summary>
    /// A professional override is a line manager's decision about someone else's assessment: the assessor cannot
    /// approve their own (the override is what moves a person between supervision levels).
    /// </summary>
    private static void CheckOverrideApprover(ScoredInput? scored, string assessorId, List<FieldViolation> violations)
    {
        if (scored?.Input is Instruments.LsCmi.LsCmiInput { Override: { } proposed }
            && !string.IsNullOrWhiteSpace(assessorId)
            && string.Equals(proposed.ApproverId.Trim(), assessorId.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            violations.Add(new("scores.ls_cmi.professional_override.approver_id", "The approving manager must be someone other than the assessor."));
        }
    }

    /// <summary>A date from the contract, or a violation at <paramref name="path"/>; null when unset and optional.</summary>
    public static DateOnly? Date(Google.Type.Date? date, string path, bool required, List<FieldViolation> violations)
    {
        if (date is null || (date.Year == 0 && date.Month == 0 && date.Day == 0))
        {
            if (required)
            {
                violations.Add(new(path, "Required."));
            }
            return null;
        }
        if (date.Year is < 1 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            violations.Add(new(path, "Must be a full calendar date (year, month and day)."));
            return null;
        }
        return new DateOnly(date.Year, date.Month, date.Day);
    }

    public static Google.Type.Date? ToContract(DateOnly? date) =>
        date is { } value ? new Google.Type.Date { Year = value.Year, Month = value.Month, Day = value.Day } : null;

    private ScoredInput? Score(Pb.InstrumentScores? scores, Instrument? declared, List<FieldViolation> violations)
    {
        if (scores is null || scores.InstrumentCase == Pb.InstrumentScores.InstrumentOneofCase.None)
        {
            violations.Add(new("scores", "Exactly one instrument's scores are required."));
            return null;
        }
        try
        {
            var input = scores.ToDomain("scores");
            var result = declared is { } instrument ? scoring.Score(instrument, input, "scores") : scoring.Score(input, "scores");
            return new ScoredInput(input, result, scores);
        }
        catch (ValidationFailedException invalid)
        {
            violations.AddRange(invalid.Violations);
            return null;
        }
    }

    private AssessmentCircumstances? Circumstances(
        Google.Type.Date? assessedDate, string assessorId, AgencyKind agency, string linkedAssessmentId,
        Google.Type.Date? supervisionStartDate, Pb.EarlierReviewDate? earlier, List<FieldViolation> violations)
    {
        var before = violations.Count;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1); // allow for time zones ahead of UTC
        var assessedOn = Date(assessedDate, "assessed_date", required: true, violations);
        if (assessedOn is { } assessed && (assessed > today || assessed < EarliestPlausibleDate))
        {
            violations.Add(new("assessed_date", "Must not be in the future (or before 1990)."));
        }
        CheckId(assessorId, "assessor_id", required: true, violations);
        if (agency == AgencyKind.Unspecified || !Enum.IsDefined(agency))
        {
            violations.Add(new("agency", "Name the assessor's agency."));
        }
        CheckId(linkedAssessmentId, "linked_assessment_id", required: false, violations);
        var supervisionStart = Date(supervisionStartDate, "supervision_start_date", required: false, violations);
        if (supervisionStart is { } start && (start > today || start < EarliestPlausibleDate))
        {
            violations.Add(new("supervision_start_date", "Must not be in the future (or before 1990)."));
        }
        DateOnly? earlierDate = null;
        if (earlier is not null)
        {
            earlierDate = Date(earlier.ReviewDate, "earlier_review_date.review_date", required: true, violations);
            if (earlierDate is { } chosen && assessedOn is { } on && chosen <= on)
            {
                violations.Add(new("earlier_review_date.review_date", "Must be after the assessed date."));
            }
            CheckReason(earlier.Reason, "earlier_review_date.reason", violations);
        }
        if (violations.Count > before)
        {
            return null;
        }
        return new AssessmentCircumstances(assessedOn!.Value, assessorId, agency, Empty(linkedAssessmentId), supervisionStart,
            earlierDate, earlier?.Reason.Trim());
    }

    private static void CheckRequestId(string requestId, List<FieldViolation> violations)
    {
        if (!string.IsNullOrEmpty(requestId) && !Guid.TryParse(requestId, out _))
        {
            violations.Add(new("request_id", "Must be a UUID chosen by the client (or empty)."));
        }
    }

    // Ids and user ids: short and plausible, so no narrative or name can be stored (or audited) in an id field.
    private static void CheckId(string value, string path, bool required, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                violations.Add(new(path, "Required."));
            }
            return;
        }
        if (value.Length > MaxIdLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            violations.Add(new(path, $"Must be an id of at most {MaxIdLength} letters, digits and -_.:"));
        }
    }

    private static void CheckReason(string reason, string path, List<FieldViolation> violations)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            violations.Add(new(path, "A reason is required."));
        }
        else if (reason.Length > MaxReasonLength)
        {
            violations.Add(new(path, $"At most {MaxReasonLength} characters."));
        }
    }

    private static string? Empty(string value) => string.IsNullOrEmpty(value) ? null : value;

    private static void ThrowIfAny(List<FieldViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }
    }
}
