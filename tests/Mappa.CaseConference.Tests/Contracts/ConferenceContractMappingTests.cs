using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Contracts;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;
using Mappa.CaseConference.Features.PlanActions;
using Mappa.CaseConference.Features.ReviewDue;
using Mappa.CaseConference.Features.Statistics;
using static Mappa.CaseConference.Tests.Given;
using Common = Mappa.Contracts.Common.V1;
using Pb = Mappa.Contracts.CaseConference.V1;
using SchedulingContracts = Mappa.Contracts.Scheduling.V1;

namespace Mappa.CaseConference.Tests.Contracts;

public class ConferenceContractMappingTests
{
    private static Google.Type.Date PbDate(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    private static Pb.CreateConferenceRequest ValidCreate() => new()
    {
        RequestId = "req-1",
        Kind = Pb.ConferenceKind.InitialLevel3,
        SubjectIds = { "subj-1" },
        Area = "dundee",
        StartTime = Timestamp.FromDateTimeOffset(MeetingStart),
        Duration = Duration.FromTimeSpan(TwoHours),
        Venue = new Pb.Venue { VirtualLink = "https://meet.example.org/mappa-42" },
        ChairId = "coord-7",
        TargetDate = PbDate(2025, 3, 14),
        InvolvesChildren = true,
        AdditionalInvitees = { new Pb.Invitee { Agency = new Pb.Agency { Kind = Common.AgencyKind.Other, Organisation = "Tay Project" } } },
    };

    [Fact]
    public void A_create_request_becomes_a_proposed_conference_with_its_invitations()
    {
        var conference = Conference.Propose("conf-1", ValidCreate().ToProposal(), InvitationPolicy.Default, ProposedAt);

        Assert.Equal((ConferenceKind.InitialLevel3, MeetingStart, TwoHours, new DateOnly(2025, 3, 14)),
            (conference.Kind, conference.StartTime, conference.Duration, conference.TargetDate));
        Assert.Equal(Venue.Virtual("https://meet.example.org/mappa-42"), conference.Venue);
        Assert.Equal(
            [AgencyKind.Police, AgencyKind.SocialWork, AgencyKind.PrisonService, AgencyKind.Health, AgencyKind.ChildProtection, AgencyKind.Other],
            conference.Invitations.Select(invitation => invitation.Agency.Kind));
    }

    [Fact]
    public void An_invalid_create_request_names_every_bad_field_by_its_proto_path()
    {
        var request = ValidCreate();
        request.Kind = Pb.ConferenceKind.Unspecified;
        request.SubjectIds.Add("");
        request.Area = "";
        request.Venue.VirtualLink = "meet.example.org";
        request.AdditionalInvitees.Add(new Pb.Invitee());

        Assert.Equal(["additional_invitees[1].agency.kind", "area", "kind", "subject_ids[1]", "venue.virtual_link"],
            FieldsOf(() => Conference.Propose("conf-1", request.ToProposal(), InvitationPolicy.Default, ProposedAt)));
    }

    [Fact]
    public void Malformed_wire_dates_and_times_are_refused_by_their_path()
    {
        var badDate = ValidCreate();
        badDate.TargetDate = PbDate(2025, 2, 30);
        var badTime = ValidCreate();
        badTime.StartTime = new Timestamp { Seconds = long.MaxValue };

        Assert.Equal(["target_date"], FieldsOf(() => badDate.ToProposal()));
        Assert.Equal(["start_time"], FieldsOf(() => badTime.ToProposal()));
        Assert.Equal(["next_review_override.date"], FieldsOf(() => new Pb.RecordDecisionRequest
        {
            NextReviewOverride = new Pb.NextReviewOverride { Date = new Google.Type.Date(), Reason = "x" },
        }.ToInput()));
    }

    [Fact]
    public void A_held_conference_maps_to_the_contract_with_its_record_and_quorum()
    {
        var (conference, _) = Held()
            .RecordAttendance(new AttendanceEntry(Agency(AgencyKind.Police), AttendanceStatus.Attended, "DS Brown"), AfterMeeting)
            .RecordDecision(new SubjectDecisionInput("subj-1", MappaLevel.Level3, MappaCategory.Category1,
                new NextReviewOverride(new DateOnly(2025, 4, 1), "Release brought forward")), MappaLevel.Level2, ReviewDatePolicy.Default, AfterMeeting)
            .AddAction(new PlanActionInput("subj-1", "Disclosure to school", AgencyKind.Education, new DateOnly(2025, 3, 20)), AfterMeeting);

        var message = conference.ToContract(QuorumRule.Default);

        Assert.Equal(Pb.ConferenceStatus.Held, message.Status);
        Assert.Equal("subj-1", Assert.Single(message.Subjects).SubjectId);
        Assert.Equal(MeetingStart, message.HeldTime.ToDateTimeOffset());
        Assert.Equal(PbDate(2025, 3, 10), message.HeldDate);
        Assert.Equal("coord-7", Assert.Single(message.ScheduleHistory).ChairId);
        Assert.Equal(4, message.Invitations.Count);
        Assert.Equal(new Pb.AttendanceRecord
        {
            Agency = new Pb.Agency { Kind = Common.AgencyKind.Police }, Status = Pb.AttendanceStatus.Attended, AttendeeName = "DS Brown", Invited = true,
        }, Assert.Single(message.Attendance));
        Assert.False(message.Quorum.Quorate);
        Assert.Equal(Pb.AgencyPresence.NotRecorded, message.Quorum.RequiredAgencies[1].Presence);

        var decision = Assert.Single(message.Decisions);
        Assert.Equal((Common.MappaLevel._3, Common.MappaLevel._2, Pb.LevelOutcome.Changed), (decision.Level, decision.PreviousLevel, decision.LevelOutcome));
        Assert.Equal((PbDate(2025, 4, 21), PbDate(2025, 4, 1), true), (decision.PolicyReviewDate, decision.NextReviewDate, decision.ReviewDateOverridden));
        Assert.Equal("Release brought forward", decision.ReviewDateOverrideReason);

        var action = Assert.Single(message.PlanActions);
        Assert.Equal(("act-1", Common.AgencyKind.Education, PbDate(2025, 3, 20), Pb.PlanActionStatus.Open),
            (action.ActionId, action.OwnerAgency, action.DueDate, action.Status));
    }

    [Fact]
    public void The_quorum_is_shown_only_once_the_meeting_has_been_held()
    {
        Assert.Null(Scheduled().ToContract(QuorumRule.Default).Quorum);
        Assert.Null(Scheduled().ToContract(QuorumRule.Default).HeldTime);
    }

    [Fact]
    public void A_cancelled_conference_shows_why()
    {
        var message = Cancelled().ToContract(QuorumRule.Default);

        Assert.Equal((Pb.ConferenceStatus.Cancelled, "Subject recalled to custody."), (message.Status, message.Cancellation.Reason));
    }

    [Fact]
    public void Plan_action_status_updates_complete_or_cancel_and_nothing_else()
    {
        var (conference, action) = HeldAndRecorded().AddAction(new PlanActionInput(null, "Review housing", AgencyKind.Housing, MeetingDay.AddDays(14)), AfterMeeting);

        var done = new Pb.UpdatePlanActionStatusRequest { ActionId = action.Id, Status = Pb.PlanActionStatus.Done }.ApplyTo(conference, AfterMeeting);
        var cancelled = new Pb.UpdatePlanActionStatusRequest { ActionId = action.Id, Status = Pb.PlanActionStatus.Cancelled, Reason = "Rehoused" }
            .ApplyTo(conference, AfterMeeting);

        Assert.Equal(PlanActionStatus.Done, done.Actions[0].Status);
        Assert.Equal(PlanActionStatus.Cancelled, cancelled.Actions[0].Status);
        Assert.Equal(["status"], FieldsOf(() => new Pb.UpdatePlanActionStatusRequest { ActionId = action.Id, Status = Pb.PlanActionStatus.Open }
            .ApplyTo(conference, AfterMeeting)));
    }

    [Fact]
    public void Statistics_requests_need_both_ends_of_the_period_and_responses_leave_an_empty_share_unset()
    {
        Assert.Equal(["period_end", "period_start"], FieldsOf(() => new Pb.GetAttendanceStatisticsRequest().ToPeriod()));

        var period = new Pb.GetAttendanceStatisticsRequest
        {
            PeriodStart = Timestamp.FromDateTimeOffset(MeetingStart.AddDays(-1)),
            PeriodEnd = Timestamp.FromDateTimeOffset(MeetingStart.AddDays(1)),
        }.ToPeriod();
        var empty = AttendanceStatistics.Compute([], period).ToContract();
        var one = AttendanceStatistics.Compute([HeldConferenceAttendance.Of(Minuted())!], period).ToContract();

        Assert.False(empty.Overall.HasOtherAgencyAttendanceShare);
        Assert.Equal(1.0, one.Overall.OtherAgencyAttendanceShare);
        Assert.Equal("dundee", Assert.Single(one.Areas).Area);
        Assert.Equal(1.0, one.Overall.Agencies.Single(agency => agency.Agency == Common.AgencyKind.Health).AttendanceRate);
    }

    [Fact]
    public void A_snapshot_restores_the_same_conference()
    {
        var (conference, _) = HeldAndRecorded().AddAction(new PlanActionInput("subj-1", "Curfew check", AgencyKind.Police, MeetingDay.AddDays(3)), AfterMeeting);
        var minuted = conference.Minute("Agreed.", AfterMeeting);

        var restored = Conference.Restore(minuted.ToSnapshot());

        Assert.Equal(minuted.ToContract(QuorumRule.Default), restored.ToContract(QuorumRule.Default));
        Assert.Equal(minuted.Minutes, restored.Minutes);
    }

    [Fact]
    public void A_snapshot_the_lifecycle_could_not_produce_is_refused()
    {
        var inconsistent = HeldAndRecorded().ToSnapshot() with { HeldAt = null };

        Assert.Throws<ArgumentException>(() => Conference.Restore(inconsistent));
    }

    public static TheoryData<System.Type, EnumDescriptor> EnumPairs => new()
    {
        { typeof(ConferenceKind), Pb.ConferenceServiceReflection.Descriptor.FindTypeByName<EnumDescriptor>("ConferenceKind") },
        { typeof(ConferenceStatus), Pb.ConferenceServiceReflection.Descriptor.FindTypeByName<EnumDescriptor>("ConferenceStatus") },
        { typeof(AgencyKind), Common.AgencyReflection.Descriptor.FindTypeByName<EnumDescriptor>("AgencyKind") },
        { typeof(MappaLevel), Common.AgencyReflection.Descriptor.FindTypeByName<EnumDescriptor>("MappaLevel") },
        { typeof(MappaCategory), Common.AgencyReflection.Descriptor.FindTypeByName<EnumDescriptor>("MappaCategory") },
        { typeof(InvitationResponseKind), Pb.InvitationReflection.Descriptor.FindTypeByName<EnumDescriptor>("InvitationResponseKind") },
        { typeof(AttendanceStatus), Pb.AttendanceReflection.Descriptor.FindTypeByName<EnumDescriptor>("AttendanceStatus") },
        { typeof(AgencyPresence), Pb.AttendanceReflection.Descriptor.FindTypeByName<EnumDescriptor>("AgencyPresence") },
        { typeof(LevelOutcome), Pb.DecisionReflection.Descriptor.FindTypeByName<EnumDescriptor>("LevelOutcome") },
        { typeof(PlanActionStatus), Pb.DecisionReflection.Descriptor.FindTypeByName<EnumDescriptor>("PlanActionStatus") },
        { typeof(ReviewDueKind), SchedulingContracts.ReviewCalendarServiceReflection.Descriptor.FindTypeByName<EnumDescriptor>("ReviewKind") },
    };

    [Theory]
    [MemberData(nameof(EnumPairs))]
    public void Every_domain_enum_value_has_the_proto_value_with_the_same_number_and_name(System.Type domainEnum, EnumDescriptor proto)
    {
        static string Normalised(string name) => name.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();

        var domainValues = System.Enum.GetValues(domainEnum).Cast<object>().ToDictionary(value => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture), value => value.ToString()!);
        var protoValues = proto.Values.Where(value => value.Number != 0).ToDictionary(value => value.Number, value => value.Name);

        Assert.Equal(protoValues.Keys.Order(), domainValues.Keys.Order());
        Assert.All(domainValues, pair => Assert.EndsWith(Normalised(pair.Value), Normalised(protoValues[pair.Key])));
    }
}
