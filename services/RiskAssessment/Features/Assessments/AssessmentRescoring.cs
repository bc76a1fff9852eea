using Mappa.Core.Errors;
using Mappa.Core.Paging;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Features.Instruments.Rescoring;
using Mappa.RiskAssessment.Persistence;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;
using Pb = Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.RiskAssessment.Features.Assessments;

public sealed record AssessmentRescored(AssessmentRecord Assessment, RescoringOutcome Outcome);

/// <summary>
/// The re-scoring audit over stored assessments: each is re-derived from its stored input under the rule set it
/// recorded, and every stored derived value that differs is reported (the check that would have caught the 2022
/// LS/CMI scoring/level mismatch, S6W-09525). Superseded assessments are checked too: they stay on the record.
/// </summary>
public sealed class AssessmentRescoring(RiskAssessmentDbContext db, RescoringCheck check)
{
    public const int DefaultPageSize = 200;
    public const int MaxPageSize = 1000;

    public async Task<(IReadOnlyList<AssessmentRescored> Findings, int Checked, string NextPageToken)> RescoreAsync(
        Pb.RescoreAssessmentsRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (request.PageSize < 0)
        {
            violations.Add(new("page_size", "Must not be negative."));
        }
        var after = PageTokens.Decode(request.PageToken);
        if (request.PageToken.Length > 0 && after is null)
        {
            violations.Add(new("page_token", "Not a token this service issued."));
        }
        if (request.Instrument != Pb.Instrument.Unspecified && !Enum.IsDefined((Instrument)request.Instrument))
        {
            violations.Add(new("instrument", "Not an instrument."));
        }
        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }

        var size = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var query = db.Assessments.AsNoTracking();
        if (!caller.IsNational)
        {
            var areas = caller.Areas.ToArray();
            query = query.Where(a => db.Subjects.Any(s => s.SubjectId == a.SubjectId && areas.Contains(s.Area)));
        }
        if (request.Instrument != Pb.Instrument.Unspecified)
        {
            var instrument = (int)request.Instrument;
            query = query.Where(a => a.Instrument == instrument);
        }
        if (after is not null)
        {
            query = query.Where(a => string.Compare(a.AssessmentId, after) > 0);
        }
        var page = await query.OrderBy(a => a.AssessmentId).Take(size + 1).ToListAsync(cancellationToken);
        var checkedRows = page.Take(size).ToList();
        var findings = new List<AssessmentRescored>();
        foreach (var record in checkedRows)
        {
            var outcome = Check(record);
            if (outcome.NeedsReview || request.IncludeConsistent)
            {
                findings.Add(new AssessmentRescored(record, outcome));
            }
        }
        var next = page.Count > size ? PageTokens.Encode(checkedRows[^1].AssessmentId) : "";
        return (findings, checkedRows.Count, next);
    }

    private RescoringOutcome Check(AssessmentRecord record)
    {
        var storedResult = Pb.InstrumentResult.Parser.ParseFrom(record.Result).ToDomain();
        InstrumentInput storedInput;
        try
        {
            storedInput = Pb.InstrumentScores.Parser.ParseFrom(record.Scores).ToDomain("scores");
        }
        catch (ValidationFailedException invalid)
        {
            return new RescoringOutcome(RescoringStatus.InputInvalid, storedResult.RuleSet, [], invalid.Violations, null);
        }
        return check.Check(storedInput, storedResult);
    }
}
