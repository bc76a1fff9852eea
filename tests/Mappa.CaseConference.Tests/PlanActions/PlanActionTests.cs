using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.PlanActions;
using Mappa.Core.Errors;
using static Mappa.CaseConference.Tests.Given;

namespace Mappa.CaseConference.Tests.PlanActions;

public class PlanActionTests
{
    private static readonly PlanActionInput HomeVisit = new("subj-1", "Unannounced home visit", AgencyKind.Police, new DateOnly(2025, 3, 24), "PC Grant");

    [Fact]
    public void An_action_agreed_at_the_meeting_has_an_owner_agency_a_due_date_and_starts_open()
    {
        var (conference, action) = HeldAndRecorded().AddAction(HomeVisit, AfterMeeting);
        var (_, second) = conference.AddAction(HomeVisit with { OwnerAgency = AgencyKind.Housing, SubjectId = null }, AfterMeeting);

        Assert.Equal(new PlanAction("act-1", "subj-1", "Unannounced home visit", AgencyKind.Police, "PC Grant", new DateOnly(2025, 3, 24),
            PlanActionStatus.Open, null, AfterMeeting, null), action);
        Assert.Equal(("act-2", null), (second.Id, second.SubjectId));
    }

    [Fact]
    public void Action_fields_are_validated_with_the_request_paths()
    {
        Assert.Equal(["description", "due_date", "owner_agency"],
            FieldsOf(() => Held().AddAction(new PlanActionInput(null, " ", 0, null), AfterMeeting)));
        Assert.Equal(["due_date", "subject_id"],
            FieldsOf(() => Held().AddAction(HomeVisit with { SubjectId = "subj-9", DueDate = MeetingDay.AddDays(-1) }, AfterMeeting)));
    }

    [Fact]
    public void An_open_action_can_be_marked_done()
    {
        var (conference, action) = HeldAndRecorded().AddAction(HomeVisit, AfterMeeting);

        var done = conference.CompleteAction(action.Id, AfterMeeting.AddDays(5)).Actions[0];

        Assert.Equal((PlanActionStatus.Done, AfterMeeting.AddDays(5)), (done.Status, done.ClosedAt));
    }

    [Fact]
    public void Cancelling_an_action_needs_a_reason()
    {
        var (conference, action) = HeldAndRecorded().AddAction(HomeVisit, AfterMeeting);

        Assert.Equal(["reason"], FieldsOf(() => conference.CancelAction(action.Id, "", AfterMeeting)));
        var cancelled = conference.CancelAction(action.Id, "Subject moved area", AfterMeeting).Actions[0];
        Assert.Equal((PlanActionStatus.Cancelled, "Subject moved area"), (cancelled.Status, cancelled.CancellationReason));
    }

    [Fact]
    public void A_closed_action_cannot_change_again()
    {
        var (conference, action) = HeldAndRecorded().AddAction(HomeVisit, AfterMeeting);
        var done = conference.CompleteAction(action.Id, AfterMeeting);

        Assert.Equal(ConferenceRefusals.ActionNotOpen, ReasonOf(() => done.CompleteAction(action.Id, AfterMeeting)));
        Assert.Equal(ConferenceRefusals.ActionNotOpen, ReasonOf(() => done.CancelAction(action.Id, "Changed mind", AfterMeeting)));
    }

    [Fact]
    public void An_unknown_action_answers_not_found()
    {
        Assert.Throws<NotFoundException>(() => HeldAndRecorded().CompleteAction("act-7", AfterMeeting));
    }

    [Fact]
    public void Actions_outlive_the_minutes_but_new_ones_are_agreed_only_at_the_meeting()
    {
        var (conference, action) = HeldAndRecorded().AddAction(HomeVisit, AfterMeeting);
        var minuted = conference.Minute(null, AfterMeeting);

        Assert.Equal(PlanActionStatus.Done, minuted.CompleteAction(action.Id, AfterMeeting.AddDays(3)).Actions[0].Status);
        Assert.Equal(ConferenceRefusals.AlreadyMinuted, ReasonOf(() => minuted.AddAction(HomeVisit, AfterMeeting)));
    }

    [Fact]
    public void An_open_action_is_overdue_only_after_its_due_date()
    {
        var (conference, action) = HeldAndRecorded().AddAction(HomeVisit, AfterMeeting);

        Assert.False(action.IsOverdue(new DateOnly(2025, 3, 24)));
        Assert.True(action.IsOverdue(new DateOnly(2025, 3, 25)));
        Assert.False(conference.CompleteAction(action.Id, AfterMeeting).Actions[0].IsOverdue(new DateOnly(2025, 4, 1)));
    }

    [Fact]
    public void The_action_description_stays_out_of_the_printed_form()
    {
        var (_, action) = HeldAndRecorded().AddAction(HomeVisit, AfterMeeting);

        Assert.DoesNotContain("home visit", action.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
