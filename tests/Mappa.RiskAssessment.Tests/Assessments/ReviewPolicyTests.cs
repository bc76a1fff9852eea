using Mappa.Core.Time;
using Mappa.Core.WorkingDays;
using Mappa.RiskAssessment.Features.Assessments;
using Mappa.RiskAssessment.Features.Instruments;

namespace Mappa.RiskAssessment.Tests.Assessments;

public sealed class ReviewPolicyTests
{
    private static ReviewPolicy Policy(ReviewPolicyOptions? options = null) =>
        new(options ?? new ReviewPolicyOptions(), WorkingDayCalendar.Scotland(), new SimulatedClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void A_high_LS_CMI_is_reviewed_within_three_months_on_a_working_day_before_a_holiday()
    {
        // 25 December 2025 is Christmas Day (and the 26th Boxing Day): the review falls due on the 24th.
        var due = Policy().PolicyReviewDate(Instrument.LsCmi, "HIGH", mappaLevel: 1, new DateOnly(2025, 9, 25), "glasgow");

        Assert.Equal(new DateOnly(2025, 12, 24), due);
    }

    [Fact]
    public void A_medium_LS_CMI_takes_the_default_interval()
    {
        var due = Policy().PolicyReviewDate(Instrument.LsCmi, "MEDIUM", mappaLevel: 1, new DateOnly(2026, 3, 2), "glasgow");

        Assert.Equal(new DateOnly(2026, 9, 2), due);
    }

    [Fact]
    public void A_MAPPA_level_3_subject_is_reviewed_at_the_panel_cadence_when_that_comes_first()
    {
        var policy = Policy();

        var level3 = policy.PolicyReviewDate(Instrument.LsCmi, "HIGH", mappaLevel: 3, new DateOnly(2026, 3, 2), "glasgow");
        var level1 = policy.PolicyReviewDate(Instrument.LsCmi, "HIGH", mappaLevel: 1, new DateOnly(2026, 3, 2), "glasgow");

        Assert.Equal(new DateOnly(2026, 4, 13), level3);
        Assert.Equal(new DateOnly(2026, 6, 2), level1);
    }

    [Fact]
    public void A_screening_has_no_review_date_of_its_own()
    {
        Assert.Null(Policy().PolicyReviewDate(Instrument.LsiRSv, "HIGH", mappaLevel: 1, new DateOnly(2026, 3, 2), "glasgow"));
    }

    [Fact]
    public void Configuration_can_change_or_remove_an_interval()
    {
        var options = new ReviewPolicyOptions();
        options.Instruments["ROSH"].Levels["HIGH"] = new ReviewPeriod();
        options.Instruments["STABLE_2007"].Default = ReviewPeriod.OfWeeks(2, "test");

        var policy = Policy(options);

        Assert.Null(policy.PolicyReviewDate(Instrument.Rosh, "HIGH", mappaLevel: 1, new DateOnly(2026, 3, 2), "glasgow"));
        Assert.Equal(new DateOnly(2026, 3, 16), policy.PolicyReviewDate(Instrument.Stable2007, "LOW", mappaLevel: 1, new DateOnly(2026, 3, 2), "glasgow"));
    }

    [Fact]
    public void The_LS_CMI_deadline_counts_twenty_working_days_skipping_the_festive_holidays()
    {
        // 16-19, 22-24, 29-31 December, then 5-9 and 12-16 January: 25, 26 December and 1, 2 January are holidays.
        Assert.Equal(new DateOnly(2026, 1, 16), Policy().LsCmiDeadline(new DateOnly(2025, 12, 15), "glasgow"));
    }

    [Fact]
    public void Policy_defaults_say_where_each_interval_comes_from()
    {
        var options = new ReviewPolicyOptions();
        var periods = options.Instruments.Values.SelectMany(r => r.Levels.Values.Append(r.Default)).OfType<ReviewPeriod>().Concat(options.MappaLevels.Values);

        Assert.All(periods, period => Assert.False(string.IsNullOrWhiteSpace(period.Source)));
    }
}
