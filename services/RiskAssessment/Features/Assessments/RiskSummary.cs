using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Rosh;
using Mappa.RiskAssessment.Features.Subjects;

namespace Mappa.RiskAssessment.Features.Assessments;

public enum SummaryFlagKind
{
    Sa07WithoutRm2000 = 1,
    HighRoshWithoutReviewDate = 2,
    LsCmiNotCompletedInTime = 3,
    ReviewOverdue = 4,
}

public sealed record SummaryFlag(SummaryFlagKind Kind, Instrument? Instrument, string? AssessmentId, DateOnly? DueDate);

public sealed record RiskSummary(
    SubjectRecord Subject,
    IReadOnlyList<AssessmentView> Latest,
    RoshLevel? OverallRosh,
    DateOnly? NextReviewDate,
    IReadOnlyList<SummaryFlag> Flags,
    DateOnly AsOf);

/// <summary>
/// The current risk picture of a subject and the checks the inspections showed were missed (002): SA07 without the
/// matching RM2000, a high RoSH with no review date, an LS/CMI not done within the working-day deadline of the start
/// of supervision, and reviews past due.
/// </summary>
public sealed class RiskSummaries(ReviewPolicy policy)
{
    public RiskSummary Summarise(SubjectRecord subject, IReadOnlyList<AssessmentView> current)
    {
        var today = policy.Today();
        var latest = current
            .GroupBy(a => a.Instrument)
            .Select(g => g.OrderByDescending(a => a.Record.AssessedOn).ThenByDescending(a => a.Record.AssessmentId, StringComparer.Ordinal).First())
            .OrderBy(a => a.Instrument)
            .ToArray();
        var byInstrument = latest.ToDictionary(a => a.Instrument);
        var flags = new List<SummaryFlag>();

        var rm2000 = byInstrument.ContainsKey(Instrument.RiskMatrix2000);
        foreach (var dynamicInstrument in new[] { Instrument.Stable2007, Instrument.Acute2007 })
        {
            if (!rm2000 && byInstrument.TryGetValue(dynamicInstrument, out var sa07))
            {
                flags.Add(new SummaryFlag(SummaryFlagKind.Sa07WithoutRm2000, dynamicInstrument, sa07.Record.AssessmentId, null));
            }
        }

        RoshLevel? overallRosh = null;
        if (byInstrument.TryGetValue(Instrument.Rosh, out var rosh) && rosh.Result is RoshResult roshResult)
        {
            overallRosh = roshResult.OverallLevel;
            if (roshResult.OverallLevel is RoshLevel.High or RoshLevel.VeryHigh && rosh.NextReviewDate is null)
            {
                flags.Add(new SummaryFlag(SummaryFlagKind.HighRoshWithoutReviewDate, Instrument.Rosh, rosh.Record.AssessmentId, null));
            }
        }

        // The latest supervision start anyone recorded: an LS/CMI must follow it (re-administered, not carried over)
        // within the deadline.
        var supervisionStart = current.Where(a => a.Record.SupervisionStart is not null).Select(a => a.Record.SupervisionStart!.Value).DefaultIfEmpty().Max();
        if (supervisionStart != default)
        {
            var deadline = policy.LsCmiDeadline(supervisionStart, subject.Area);
            var lsCmi = current
                .Where(a => a.Instrument == Instrument.LsCmi && a.Record.AssessedOn >= supervisionStart)
                .MinBy(a => a.Record.AssessedOn);
            if (lsCmi is null ? today > deadline : lsCmi.Record.AssessedOn > deadline)
            {
                flags.Add(new SummaryFlag(SummaryFlagKind.LsCmiNotCompletedInTime, Instrument.LsCmi, lsCmi?.Record.AssessmentId, deadline));
            }
        }

        foreach (var assessment in latest)
        {
            if (assessment.NextReviewDate is { } due && due < today)
            {
                flags.Add(new SummaryFlag(SummaryFlagKind.ReviewOverdue, assessment.Instrument, assessment.Record.AssessmentId, due));
            }
        }

        var next = latest.Where(a => a.NextReviewDate is not null).Select(a => a.NextReviewDate!.Value).DefaultIfEmpty().Min();
        return new RiskSummary(subject, latest, overallRosh, next == default ? null : next, flags, today);
    }
}
