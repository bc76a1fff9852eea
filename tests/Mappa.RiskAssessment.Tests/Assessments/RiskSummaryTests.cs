using Google.Protobuf;
using Mappa.Core.Time;
using Mappa.Core.WorkingDays;
using Mappa.RiskAssessment.Features.Assessments;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Features.Subjects;
using Pb = Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.RiskAssessment.Tests.Assessments;

/// <summary>The summary's flags, judged on a fixed day (2 March 2026) from assessments built in memory.</summary>
public sealed class RiskSummaryTests
{
    private static readonly DateOnly Today = new(2026, 3, 2);
    private static readonly SubjectRecord Subject = new()
    {
        SubjectId = "subject-1", Category = 1, Level = 1, LeadAgency = 1, Area = "glasgow", DisplayName = "", CreatedAt = 0, CreatedBy = "t",
    };

    private static RiskSummaries Summaries() => new(new ReviewPolicy(
        new ReviewPolicyOptions(), WorkingDayCalendar.Scotland(), new SimulatedClock(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero))));

    private static int _next;

    private static AssessmentView View(Pb.InstrumentScores scores, DateOnly assessedOn, DateOnly? reviewDate, DateOnly? supervisionStart = null)
    {
        var input = scores.ToDomain();
        var result = TestRuleSets.Scoring.Score(input);
        var id = $"assessment-{Interlocked.Increment(ref _next):D4}";
        var record = new AssessmentRecord
        {
            AssessmentId = id, SubjectId = Subject.SubjectId, Instrument = (int)input.Instrument, AssessedOn = assessedOn,
            AssessorId = "a", Agency = 2, RuleSetId = result.RuleSet.Id, RuleSetVersion = result.RuleSet.Version,
            Scores = scores.ToByteArray(), Result = result.ToContract().ToByteArray(), SupervisionStart = supervisionStart,
            RecordedAt = 0, RecordedBy = "a",
        };
        var review = new ReviewDateRecord { AssessmentId = id, Sequence = 1, ReviewDate = reviewDate, Basis = 1, SetAt = 0, SetBy = "a" };
        return new AssessmentView(record, null, review, result);
    }

    private static HashSet<(SummaryFlagKind, string?)> Flags(params AssessmentView[] current) =>
        Summaries().Summarise(Subject, current).Flags.Select(f => (f.Kind, f.AssessmentId)).ToHashSet();

    [Fact]
    public void Stable_2007_without_a_Risk_Matrix_2000_is_flagged_and_with_one_is_not()
    {
        var stable = View(AssessmentSamples.Stable(3), Today.AddDays(-5), Today.AddMonths(6));
        var riskMatrix = View(new Pb.InstrumentScores { RiskMatrix2000 = new Pb.RiskMatrix2000Inputs { AgeAtCommencementOfRisk = 30, SexualAppearances = 1, CriminalAppearances = 2 } },
            Today.AddDays(-5), Today.AddMonths(12));

        Assert.Contains((SummaryFlagKind.Sa07WithoutRm2000, stable.Record.AssessmentId), Flags(stable));
        Assert.DoesNotContain(Flags(stable, riskMatrix), f => f.Item1 == SummaryFlagKind.Sa07WithoutRm2000);
    }

    [Fact]
    public void A_high_RoSH_without_a_review_date_is_flagged()
    {
        var withoutDate = View(AssessmentSamples.Rosh(RoshLevel.High), Today.AddDays(-5), reviewDate: null);
        var lowWithoutDate = View(AssessmentSamples.Rosh(RoshLevel.Low), Today.AddDays(-5), reviewDate: null);
        var withDate = View(AssessmentSamples.Rosh(RoshLevel.VeryHigh), Today.AddDays(-5), Today.AddMonths(3));

        Assert.Contains((SummaryFlagKind.HighRoshWithoutReviewDate, withoutDate.Record.AssessmentId), Flags(withoutDate));
        Assert.Empty(Flags(lowWithoutDate));
        Assert.Empty(Flags(withDate));
    }

    [Fact]
    public void Only_the_latest_assessment_of_an_instrument_counts()
    {
        var older = View(AssessmentSamples.Rosh(RoshLevel.High), Today.AddDays(-20), reviewDate: null);
        var newer = View(AssessmentSamples.Rosh(RoshLevel.Low), Today.AddDays(-2), Today.AddMonths(6));

        var summary = Summaries().Summarise(Subject, [older, newer]);

        Assert.Equal(newer.Record.AssessmentId, Assert.Single(summary.Latest).Record.AssessmentId);
        Assert.Equal(RoshLevel.Low, summary.OverallRosh);
        Assert.Empty(summary.Flags);
        Assert.Equal(Today.AddMonths(6), summary.NextReviewDate);
    }

    [Fact]
    public void A_review_date_in_the_past_is_overdue_and_today_is_not()
    {
        var overdue = View(AssessmentSamples.LsCmi(10), Today.AddMonths(-7), Today.AddDays(-1));
        var dueToday = View(AssessmentSamples.Rosh(RoshLevel.Low), Today.AddMonths(-6), Today);

        var flags = Flags(overdue, dueToday);

        Assert.Contains((SummaryFlagKind.ReviewOverdue, overdue.Record.AssessmentId), flags);
        Assert.DoesNotContain((SummaryFlagKind.ReviewOverdue, dueToday.Record.AssessmentId), flags);
    }

    [Fact]
    public void An_LS_CMI_is_late_after_twenty_working_days_of_supervision_and_an_earlier_one_does_not_count()
    {
        // Supervision from Friday 30 January 2026: the 20 working days after it end on Friday 27 February.
        var start = new DateOnly(2026, 1, 30);
        var rosh = View(AssessmentSamples.Rosh(RoshLevel.Medium), start, Today.AddMonths(6), supervisionStart: start);
        var beforeSupervision = View(AssessmentSamples.LsCmi(10), start.AddDays(-30), Today.AddMonths(3));
        var onTime = View(AssessmentSamples.LsCmi(10), new DateOnly(2026, 2, 27), Today.AddMonths(6));
        var late = View(AssessmentSamples.LsCmi(10), new DateOnly(2026, 3, 2), Today.AddMonths(6));

        Assert.Contains((SummaryFlagKind.LsCmiNotCompletedInTime, null), Flags(rosh, beforeSupervision));
        Assert.DoesNotContain(Flags(rosh, onTime), f => f.Item1 == SummaryFlagKind.LsCmiNotCompletedInTime);
        Assert.Contains((SummaryFlagKind.LsCmiNotCompletedInTime, late.Record.AssessmentId), Flags(rosh, late));
    }

    [Fact]
    public void Without_a_recorded_supervision_start_no_LS_CMI_deadline_is_judged()
    {
        Assert.Empty(Flags(View(AssessmentSamples.Rosh(RoshLevel.Medium), Today.AddDays(-60), Today.AddMonths(1))));
    }
}
