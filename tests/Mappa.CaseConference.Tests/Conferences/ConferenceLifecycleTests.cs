using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;
using Mappa.CaseConference.Features.PlanActions;
using Mappa.Core.Errors;
using static Mappa.CaseConference.Tests.Given;

namespace Mappa.CaseConference.Tests.Conferences;

public class ConferenceLifecycleTests
{
    public enum Operation { Schedule, Reschedule, Cancel, RecordHeld, RecordAttendance, RecordDecision, AddAction, Minute, Invite }

    private static Conference Apply(Operation operation, Conference conference) => operation switch
    {
        Operation.Schedule => conference.Schedule(new ScheduleDetails(), BeforeMeeting),
        Operation.Reschedule => conference.Reschedule(new ScheduleDetails(StartTime: MeetingStart.AddDays(1)), "Chair unavailable", BeforeMeeting),
        Operation.Cancel => conference.Cancel("No longer needed", BeforeMeeting),
        Operation.RecordHeld => conference.RecordHeld(AfterMeeting, London),
        Operation.RecordAttendance => conference.RecordAttendance(new AttendanceEntry(Agency(AgencyKind.Police), AttendanceStatus.Attended), AfterMeeting),
        Operation.RecordDecision => conference.RecordDecision(new SubjectDecisionInput("subj-1", MappaLevel.Level3, MappaCategory.Category1),
            MappaLevel.Level2, ReviewDatePolicy.Default, AfterMeeting),
        Operation.AddAction => conference.AddAction(new PlanActionInput("subj-1", "Home visit", AgencyKind.Police, MeetingDay.AddDays(7)), AfterMeeting).Conference,
        Operation.Minute => conference.Minute(null, AfterMeeting),
        Operation.Invite => conference.Invite(new Invitee(Agency(AgencyKind.Housing)), BeforeMeeting).Conference,
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    // Every operation from every status: the resulting status when allowed, or the stable reason when refused.
    public static TheoryData<ConferenceStatus, Operation, string> Transitions => new()
    {
        { ConferenceStatus.Proposed, Operation.Schedule, "SCHEDULED" },
        { ConferenceStatus.Proposed, Operation.Reschedule, ConferenceRefusals.NotScheduled },
        { ConferenceStatus.Proposed, Operation.Cancel, "CANCELLED" },
        { ConferenceStatus.Proposed, Operation.RecordHeld, ConferenceRefusals.NotScheduled },
        { ConferenceStatus.Proposed, Operation.RecordAttendance, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Proposed, Operation.RecordDecision, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Proposed, Operation.AddAction, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Proposed, Operation.Minute, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Proposed, Operation.Invite, "PROPOSED" },

        { ConferenceStatus.Scheduled, Operation.Schedule, ConferenceRefusals.NotProposed },
        { ConferenceStatus.Scheduled, Operation.Reschedule, "SCHEDULED" },
        { ConferenceStatus.Scheduled, Operation.Cancel, "CANCELLED" },
        { ConferenceStatus.Scheduled, Operation.RecordHeld, "HELD" },
        { ConferenceStatus.Scheduled, Operation.RecordAttendance, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Scheduled, Operation.RecordDecision, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Scheduled, Operation.AddAction, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Scheduled, Operation.Minute, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Scheduled, Operation.Invite, "SCHEDULED" },

        { ConferenceStatus.Held, Operation.Schedule, ConferenceRefusals.NotProposed },
        { ConferenceStatus.Held, Operation.Reschedule, ConferenceRefusals.NotScheduled },
        { ConferenceStatus.Held, Operation.Cancel, ConferenceRefusals.NotCancellable },
        { ConferenceStatus.Held, Operation.RecordHeld, ConferenceRefusals.NotScheduled },
        { ConferenceStatus.Held, Operation.RecordAttendance, "HELD" },
        { ConferenceStatus.Held, Operation.RecordDecision, "HELD" },
        { ConferenceStatus.Held, Operation.AddAction, "HELD" },
        { ConferenceStatus.Held, Operation.Minute, "MINUTED" },
        { ConferenceStatus.Held, Operation.Invite, ConferenceRefusals.InvitationsClosed },

        { ConferenceStatus.Minuted, Operation.Schedule, ConferenceRefusals.NotProposed },
        { ConferenceStatus.Minuted, Operation.Reschedule, ConferenceRefusals.NotScheduled },
        { ConferenceStatus.Minuted, Operation.Cancel, ConferenceRefusals.NotCancellable },
        { ConferenceStatus.Minuted, Operation.RecordHeld, ConferenceRefusals.NotScheduled },
        { ConferenceStatus.Minuted, Operation.RecordAttendance, ConferenceRefusals.AlreadyMinuted },
        { ConferenceStatus.Minuted, Operation.RecordDecision, ConferenceRefusals.AlreadyMinuted },
        { ConferenceStatus.Minuted, Operation.AddAction, ConferenceRefusals.AlreadyMinuted },
        { ConferenceStatus.Minuted, Operation.Minute, ConferenceRefusals.AlreadyMinuted },
        { ConferenceStatus.Minuted, Operation.Invite, ConferenceRefusals.InvitationsClosed },

        { ConferenceStatus.Cancelled, Operation.Schedule, ConferenceRefusals.NotProposed },
        { ConferenceStatus.Cancelled, Operation.Reschedule, ConferenceRefusals.NotScheduled },
        { ConferenceStatus.Cancelled, Operation.Cancel, ConferenceRefusals.NotCancellable },
        { ConferenceStatus.Cancelled, Operation.RecordHeld, ConferenceRefusals.NotScheduled },
        { ConferenceStatus.Cancelled, Operation.RecordAttendance, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Cancelled, Operation.RecordDecision, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Cancelled, Operation.AddAction, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Cancelled, Operation.Minute, ConferenceRefusals.NotHeld },
        { ConferenceStatus.Cancelled, Operation.Invite, ConferenceRefusals.InvitationsClosed },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Each_operation_is_allowed_or_refused_with_a_stable_reason_in_each_status(ConferenceStatus from, Operation operation, string expected)
    {
        var conference = InStatus(from);

        if (Enum.TryParse<ConferenceStatus>(expected, ignoreCase: true, out var allowedTo))
        {
            Assert.Equal(allowedTo, Apply(operation, conference).Status);
        }
        else
        {
            var refusal = Assert.Throws<PreconditionFailedException>(() => Apply(operation, conference));
            Assert.Equal(expected, refusal.Reason);
            Assert.Contains("conf-1", refusal.Message);
        }
    }

    [Fact]
    public void A_new_conference_is_proposed_with_its_proposed_arrangements()
    {
        var conference = Proposed();

        Assert.Equal(ConferenceStatus.Proposed, conference.Status);
        Assert.Equal<string>(["subj-1"], conference.SubjectIds);
        Assert.Equal(MeetingStart, conference.StartTime);
        Assert.Empty(conference.ScheduleHistory);
        Assert.Equal(ProposedAt, conference.CreatedAt);
    }

    [Fact]
    public void Scheduling_takes_the_proposed_arrangements_and_starts_the_history()
    {
        var scheduled = Proposed().Schedule(new ScheduleDetails(), BeforeMeeting);

        var entry = Assert.Single(scheduled.ScheduleHistory);
        Assert.Equal(new ScheduleEntry(MeetingStart, TwoHours, Room, "coord-7", BeforeMeeting, null), entry);
        Assert.Equal(MeetingStart + TwoHours, scheduled.EndTime);
        Assert.Equal(0, scheduled.RescheduleCount);
    }

    [Fact]
    public void Scheduling_names_each_arrangement_that_was_neither_proposed_nor_given()
    {
        var bare = Conference.Propose("conf-2", new ConferenceProposal(ConferenceKind.Emergency, ["subj-1"], "dundee"),
            InvitationPolicy.Default, ProposedAt);

        Assert.Equal(["chair_id", "duration", "start_time", "venue"], FieldsOf(() => bare.Schedule(new ScheduleDetails(), BeforeMeeting)));
    }

    [Fact]
    public void Rescheduling_keeps_every_earlier_arrangement_in_the_history()
    {
        var online = Venue.Virtual("https://meet.example.org/mappa-42");

        var conference = Scheduled()
            .Reschedule(new ScheduleDetails(StartTime: MeetingStart.AddDays(2)), "Police representative on leave", BeforeMeeting)
            .Reschedule(new ScheduleDetails(Venue: online), "Room unavailable", BeforeMeeting.AddHours(1));

        Assert.Equal(ConferenceStatus.Scheduled, conference.Status);
        Assert.Equal(2, conference.RescheduleCount);
        Assert.Equal([MeetingStart, MeetingStart.AddDays(2), MeetingStart.AddDays(2)], conference.ScheduleHistory.Select(entry => entry.StartTime));
        Assert.Equal([null, "Police representative on leave", "Room unavailable"], conference.ScheduleHistory.Select(entry => entry.Reason));
        Assert.Equal(online, conference.Venue);
        Assert.Equal(MeetingStart.AddDays(2), conference.StartTime);
    }

    [Fact]
    public void Rescheduling_to_the_arrangements_in_force_changes_nothing()
    {
        var scheduled = Scheduled();

        Assert.Same(scheduled, scheduled.Reschedule(new ScheduleDetails(StartTime: MeetingStart), null, BeforeMeeting));
    }

    [Fact]
    public void A_conference_cannot_be_scheduled_or_rescheduled_into_the_past()
    {
        Assert.Equal(["start_time"], FieldsOf(() => Proposed().Schedule(new ScheduleDetails(), MeetingStart.AddMinutes(1))));
        Assert.Equal(["start_time"], FieldsOf(() => Scheduled().Reschedule(new ScheduleDetails(StartTime: ProposedAt), null, BeforeMeeting)));
    }

    [Fact]
    public void Cancelling_needs_a_reason_and_records_it()
    {
        Assert.Equal(["reason"], FieldsOf(() => Scheduled().Cancel("  ", BeforeMeeting)));

        var cancelled = Proposed().Cancel("Subject recalled to custody", BeforeMeeting);

        Assert.Equal(ConferenceStatus.Cancelled, cancelled.Status);
        Assert.Equal(new Cancellation("Subject recalled to custody", BeforeMeeting), cancelled.Cancellation);
    }

    [Fact]
    public void A_conference_cannot_be_recorded_as_held_before_it_starts()
    {
        Assert.Equal(ConferenceRefusals.NotStarted, ReasonOf(() => Scheduled().RecordHeld(MeetingStart.AddMinutes(-1), London)));
    }

    [Fact]
    public void It_is_held_at_its_start_time_on_that_days_date_in_the_meeting_time_zone()
    {
        // 23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time.
        var lateStart = new DateTimeOffset(2025, 6, 30, 23, 30, 0, TimeSpan.Zero);
        var conference = Conference.Propose("conf-3", Proposal() with { StartTime = lateStart }, InvitationPolicy.Default, ProposedAt)
            .Schedule(new ScheduleDetails(), BeforeMeeting);

        var held = conference.RecordHeld(lateStart.AddHours(3), London);

        Assert.Equal(lateStart, held.HeldAt);
        Assert.Equal(new DateOnly(2025, 7, 1), held.HeldOn);
    }

    [Fact]
    public void Minutes_need_the_attendance_of_every_invited_agency()
    {
        var held = Held().RecordDecision(new SubjectDecisionInput("subj-1", MappaLevel.Level2, MappaCategory.Category2), null,
            ReviewDatePolicy.Default, AfterMeeting);

        Assert.Equal(ConferenceRefusals.AttendanceIncomplete, ReasonOf(() => held.Minute(null, AfterMeeting)));
    }

    [Fact]
    public void Minutes_need_a_decision_for_every_subject()
    {
        var conference = Conference.Propose("conf-4", Proposal(null, "subj-1", "subj-2"), InvitationPolicy.Default, ProposedAt)
            .Schedule(new ScheduleDetails(), BeforeMeeting)
            .RecordHeld(AfterMeeting, London);
        foreach (var invitation in conference.Invitations)
            conference = conference.RecordAttendance(new AttendanceEntry(invitation.Agency, AttendanceStatus.Apologies), AfterMeeting);
        conference = conference.RecordDecision(new SubjectDecisionInput("subj-1", MappaLevel.Level2, MappaCategory.Category2), null,
            ReviewDatePolicy.Default, AfterMeeting);

        var refusal = Assert.Throws<PreconditionFailedException>(() => conference.Minute(null, AfterMeeting));
        Assert.Equal(ConferenceRefusals.DecisionsIncomplete, refusal.Reason);
        Assert.Contains("subj-2", refusal.Message);
    }

    [Fact]
    public void Minuting_closes_the_record_with_its_summary()
    {
        var minuted = HeldAndRecorded().Minute("  Level 2 confirmed.  ", AfterMeeting.AddHours(1));

        Assert.Equal(ConferenceStatus.Minuted, minuted.Status);
        Assert.Equal(new Minutes("Level 2 confirmed.", AfterMeeting.AddHours(1)), minuted.Minutes);
        Assert.Equal(AfterMeeting.AddHours(1), minuted.UpdatedAt);
    }

    [Fact]
    public void A_proposal_reports_every_invalid_field_by_its_request_path()
    {
        var proposal = new ConferenceProposal(
            0,
            ["subj-1", " ", "subj-1"],
            "",
            StartTime: ProposedAt.AddDays(-1),
            Duration: TimeSpan.FromHours(13),
            Venue: Venue.Virtual("http://insecure.example.org/meet"));

        Assert.Equal(["area", "duration", "kind", "start_time", "subject_ids[1]", "subject_ids[2]", "venue.virtual_link"],
            FieldsOf(() => Conference.Propose("conf-5", proposal, InvitationPolicy.Default, ProposedAt)));
    }

    [Fact]
    public void A_proposal_needs_a_subject_and_a_venue_needs_a_place_or_link()
    {
        var proposal = new ConferenceProposal(ConferenceKind.Review, [], "dundee", Venue: new Venue(" ", null));

        Assert.Equal(["subject_ids", "venue"], FieldsOf(() => Conference.Propose("conf-6", proposal, InvitationPolicy.Default, ProposedAt)));
    }

    [Fact]
    public void Free_text_stays_out_of_the_printed_form()
    {
        var cancelled = Scheduled().Cancel("Subject disclosed a new address", BeforeMeeting);

        Assert.DoesNotContain("address", cancelled.ToString());
        Assert.DoesNotContain("address", cancelled.Cancellation!.ToString());
    }
}
