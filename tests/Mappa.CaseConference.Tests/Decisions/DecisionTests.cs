using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Decisions;
using static Mappa.CaseConference.Tests.Given;

namespace Mappa.CaseConference.Tests.Decisions;

public class DecisionTests
{
    private static Conference Decide(Conference conference, MappaLevel level, MappaLevel? previous = null, NextReviewOverride? chosen = null,
        ReviewDatePolicy? policy = null) =>
        conference.RecordDecision(new SubjectDecisionInput("subj-1", level, MappaCategory.Category2, chosen), previous,
            policy ?? ReviewDatePolicy.Default, AfterMeeting);

    [Fact]
    public void A_level_3_review_falls_six_weeks_after_the_meeting()
    {
        var decision = Decide(Held(), MappaLevel.Level3).DecisionFor("subj-1")!;

        Assert.Equal(MeetingDay.AddDays(42), decision.NextReview.Date);
        Assert.Equal(new DateOnly(2025, 4, 21), decision.NextReview.Date);
        Assert.False(decision.NextReview.IsOverridden);
    }

    [Fact]
    public void A_level_2_review_falls_twelve_weeks_after_the_meeting()
    {
        var decision = Decide(Held(), MappaLevel.Level2).DecisionFor("subj-1")!;

        Assert.Equal(new DateOnly(2025, 6, 2), decision.NextReview.Date);
        Assert.Equal(decision.NextReview.PolicyDate, decision.NextReview.Date);
    }

    [Fact]
    public void Level_1_has_no_meeting_review_unless_configured()
    {
        Assert.Null(Decide(Held(), MappaLevel.Level1).DecisionFor("subj-1")!.NextReview.Date);

        var withLevel1Reviews = new ReviewDatePolicy(new ReviewDatePolicyOptions { Level1IntervalWeeks = 26 });
        Assert.Equal(MeetingDay.AddDays(182), Decide(Held(), MappaLevel.Level1, policy: withLevel1Reviews).DecisionFor("subj-1")!.NextReview.Date);
    }

    [Fact]
    public void The_review_intervals_are_configuration()
    {
        var policy = new ReviewDatePolicy(new ReviewDatePolicyOptions { Level3IntervalWeeks = 4, Level2IntervalWeeks = 8 });

        Assert.Equal(MeetingDay.AddDays(28), policy.PolicyDate(MappaLevel.Level3, MeetingDay));
        Assert.Equal(MeetingDay.AddDays(56), policy.PolicyDate(MappaLevel.Level2, MeetingDay));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReviewDatePolicy(new ReviewDatePolicyOptions { Level2IntervalWeeks = 0 }));
    }

    [Fact]
    public void The_meeting_can_override_the_review_date_with_a_reason_and_the_policy_date_is_kept()
    {
        var chosen = new NextReviewOverride(new DateOnly(2025, 4, 1), "Release date brought forward");

        var review = Decide(Held(), MappaLevel.Level3, chosen: chosen).DecisionFor("subj-1")!.NextReview;

        Assert.Equal(new NextReview(new DateOnly(2025, 4, 21), new DateOnly(2025, 4, 1), "Release date brought forward"), review);
        Assert.True(review.IsOverridden);
    }

    [Fact]
    public void An_override_needs_a_reason_and_a_date_after_the_meeting()
    {
        Assert.Equal(["next_review_override.reason"],
            FieldsOf(() => Decide(Held(), MappaLevel.Level2, chosen: new NextReviewOverride(new DateOnly(2025, 4, 1), " "))));
        Assert.Equal(["next_review_override.date"],
            FieldsOf(() => Decide(Held(), MappaLevel.Level2, chosen: new NextReviewOverride(MeetingDay, "Soon"))));
        Assert.Equal(["next_review_override.date", "next_review_override.reason"],
            FieldsOf(() => Decide(Held(), MappaLevel.Level2, chosen: new NextReviewOverride(null, null))));
    }

    [Theory]
    [InlineData(null, MappaLevel.Level2, LevelOutcome.Set)]
    [InlineData(MappaLevel.Level2, MappaLevel.Level2, LevelOutcome.Confirmed)]
    [InlineData(MappaLevel.Level2, MappaLevel.Level3, LevelOutcome.Changed)]
    [InlineData(MappaLevel.Level3, MappaLevel.Level1, LevelOutcome.Changed)]
    public void The_level_is_set_confirmed_or_changed_against_the_level_on_record(MappaLevel? previous, MappaLevel decided, LevelOutcome outcome)
    {
        var decision = Decide(Held(), decided, previous).DecisionFor("subj-1")!;

        Assert.Equal(outcome, decision.LevelOutcome);
        Assert.Equal(MappaCategory.Category2, decision.Category);
    }

    [Fact]
    public void A_decision_is_for_a_subject_of_the_conference_with_a_known_level_and_category()
    {
        Assert.Equal(["subject_id"], FieldsOf(() => Held().RecordDecision(
            new SubjectDecisionInput("subj-9", MappaLevel.Level2, MappaCategory.Category1), null, ReviewDatePolicy.Default, AfterMeeting)));
        Assert.Equal(["category", "level", "subject_id"], FieldsOf(() => Held().RecordDecision(
            new SubjectDecisionInput("", 0, 0), null, ReviewDatePolicy.Default, AfterMeeting)));
    }

    [Fact]
    public void Recording_a_decision_again_before_the_minutes_corrects_it()
    {
        var conference = Decide(Decide(Held(), MappaLevel.Level2), MappaLevel.Level3);

        Assert.Equal(MappaLevel.Level3, Assert.Single(conference.Decisions).Level);
    }

    [Fact]
    public void The_level_on_record_comes_from_the_latest_minuted_conference()
    {
        var first = Given.Minuted();
        var later = Conference.Propose("conf-2", Proposal() with { StartTime = MeetingStart.AddDays(42) }, ConferenceRules.Default.Invitations, ProposedAt)
            .Schedule(new ScheduleDetails(), BeforeMeeting)
            .RecordHeld(MeetingStart.AddDays(43), London);
        var laterDraft = Decide(later, MappaLevel.Level3, MappaLevel.Level2);
        var laterMinuted = laterDraft.Invitations.Aggregate(laterDraft,
                (conference, invitation) => conference.RecordAttendance(new AttendanceEntry(invitation.Agency, AttendanceStatus.Attended), AfterMeeting))
            .Minute(null, MeetingStart.AddDays(43));

        Assert.Null(ManagementLevels.Current("subj-1", [Given.Proposed(), Held()]));
        Assert.Equal(MappaLevel.Level2, ManagementLevels.Current("subj-1", [laterDraft, first])!.Level);
        var standing = ManagementLevels.Current("subj-1", [first, laterMinuted])!;
        Assert.Equal((MappaLevel.Level3, "conf-2", MeetingDay.AddDays(42 + 42)), (standing.Level, standing.ConferenceId, standing.NextReviewDate));
        Assert.Null(ManagementLevels.Current("subj-2", [first, laterMinuted]));
    }
}
