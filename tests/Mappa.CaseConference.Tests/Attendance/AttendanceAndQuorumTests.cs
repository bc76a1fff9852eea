using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Invitations;
using static Mappa.CaseConference.Tests.Given;

namespace Mappa.CaseConference.Tests.Attendance;

public class AttendanceAndQuorumTests
{
    private static Conference Record(Conference conference, AgencyKind kind, AttendanceStatus status, string? attendee = null, bool writtenReport = false) =>
        conference.RecordAttendance(new AttendanceEntry(Agency(kind), status, attendee, writtenReport), AfterMeeting);

    [Fact]
    public void A_meeting_goes_ahead_with_nobody_recorded_and_the_quorum_report_shows_what_is_missing()
    {
        var held = Held();

        var report = held.Quorum(QuorumRule.Default);

        Assert.Equal(ConferenceStatus.Held, held.Status);
        Assert.False(report.IsQuorate);
        Assert.Equal(
            [AgencyKind.Police, AgencyKind.SocialWork, AgencyKind.PrisonService, AgencyKind.Health],
            report.Missing.Select(missing => missing.Agency));
        Assert.All(report.Missing, missing => Assert.Equal(AgencyPresence.NotRecorded, missing.Presence));
    }

    [Fact]
    public void It_is_quorate_when_every_responsible_authority_attended_in_person_or_by_delegate()
    {
        var conference = Held();
        conference = Record(conference, AgencyKind.Police, AttendanceStatus.Attended);
        conference = Record(conference, AgencyKind.SocialWork, AttendanceStatus.Attended);
        conference = Record(conference, AgencyKind.PrisonService, AttendanceStatus.DelegateAttended, "Officer Reid");
        conference = Record(conference, AgencyKind.Health, AttendanceStatus.Attended);

        var report = conference.Quorum(QuorumRule.Default);

        Assert.True(report.IsQuorate);
        Assert.Empty(report.Missing);
    }

    [Fact]
    public void Each_missing_responsible_authority_is_reported_with_why_it_was_missing()
    {
        var policy = new InvitationPolicy(new InvitationPolicyOptions { DefaultAgencies = [AgencyKind.Police, AgencyKind.SocialWork, AgencyKind.PrisonService] });
        var conference = Held(policy: policy);
        conference = Record(conference, AgencyKind.Police, AttendanceStatus.Attended);
        conference = Record(conference, AgencyKind.SocialWork, AttendanceStatus.AbsentWithoutApology);
        conference = Record(conference, AgencyKind.PrisonService, AttendanceStatus.Apologies, writtenReport: true);

        var report = conference.Quorum(QuorumRule.Default);

        Assert.False(report.IsQuorate);
        Assert.Equal(
            [
                new RequiredAgencyPresence(AgencyKind.SocialWork, AgencyPresence.AbsentWithoutApology, false),
                new RequiredAgencyPresence(AgencyKind.PrisonService, AgencyPresence.Apologies, true),
                new RequiredAgencyPresence(AgencyKind.Health, AgencyPresence.NotInvited, false),
            ],
            report.Missing);
    }

    [Fact]
    public void The_agencies_the_quorum_requires_are_configuration()
    {
        var policeAndSocialWork = new QuorumRule(new QuorumOptions { RequiredAgencies = [AgencyKind.Police, AgencyKind.SocialWork] });
        var conference = Record(Record(Held(), AgencyKind.Police, AttendanceStatus.Attended), AgencyKind.SocialWork, AttendanceStatus.Attended);

        Assert.True(conference.Quorum(policeAndSocialWork).IsQuorate);
        Assert.False(conference.Quorum(QuorumRule.Default).IsQuorate);
    }

    [Fact]
    public void Agencies_that_declined_with_apologies_are_recorded_as_apologies_when_the_meeting_is_held()
    {
        var held = Scheduled()
            .RecordResponse("inv-3", InvitationResponse.DeclinedWithApologies, BeforeMeeting)
            .RecordHeld(AfterMeeting, London);

        var record = Assert.Single(held.Attendance);
        Assert.Equal((AgencyKind.PrisonService, AttendanceStatus.Apologies, true), (record.Agency.Kind, record.Status, record.Invited));
        Assert.Equal(3, held.InvitationsWithoutAttendance.Count);
    }

    [Fact]
    public void A_written_report_is_recorded_alongside_any_attendance_status()
    {
        var conference = Record(Held(), AgencyKind.Health, AttendanceStatus.Apologies, writtenReport: true);

        Assert.True(conference.AttendanceOf(Agency(AgencyKind.Health))!.WrittenReportSubmitted);
    }

    [Fact]
    public void Delegate_attendance_needs_the_delegates_name()
    {
        Assert.Equal(["attendee_name"], FieldsOf(() => Record(Held(), AgencyKind.Health, AttendanceStatus.DelegateAttended)));
    }

    [Fact]
    public void Attendance_fields_are_validated_with_the_request_paths()
    {
        Assert.Equal(["agency.kind", "status"], FieldsOf(() => Held().RecordAttendance(new AttendanceEntry(Agency(0), 0), AfterMeeting)));
    }

    [Fact]
    public void An_agency_that_attended_without_an_invitation_is_recorded_as_uninvited()
    {
        var conference = Record(Held(), AgencyKind.Housing, AttendanceStatus.Attended, "Housing officer");

        Assert.False(conference.AttendanceOf(Agency(AgencyKind.Housing))!.Invited);
        Assert.True(conference.AttendanceOf(Agency(AgencyKind.Housing))!.IsPresent);
    }

    [Fact]
    public void Recording_an_agencys_attendance_again_corrects_it()
    {
        var conference = Record(Record(Held(), AgencyKind.Police, AttendanceStatus.AbsentWithoutApology), AgencyKind.Police, AttendanceStatus.Attended);

        var record = Assert.Single(conference.Attendance);
        Assert.Equal(AttendanceStatus.Attended, record.Status);
    }
}
