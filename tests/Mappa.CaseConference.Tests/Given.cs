using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;
using Mappa.Core.Errors;

namespace Mappa.CaseConference.Tests;

/// <summary>Conferences in each status, built through the real lifecycle, with fixed instants.</summary>
internal static class Given
{
    public static readonly DateTimeOffset ProposedAt = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset BeforeMeeting = ProposedAt.AddHours(1);
    public static readonly DateTimeOffset MeetingStart = new(2025, 3, 10, 10, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset AfterMeeting = MeetingStart.AddHours(2);
    public static readonly DateOnly MeetingDay = new(2025, 3, 10);
    public static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);
    public static readonly Venue Room = Venue.InPerson("Tayside Police HQ, room 2");
    public static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static ConferenceProposal Proposal(CaseInvitationFacts? facts = null, params string[] subjectIds) => new(
        ConferenceKind.InitialLevel2,
        subjectIds.Length == 0 ? ["subj-1"] : subjectIds,
        "dundee",
        ChairId: "coord-7",
        StartTime: MeetingStart,
        Duration: TwoHours,
        Venue: Room,
        InvitationFacts: facts);

    public static Conference Proposed(CaseInvitationFacts? facts = null, InvitationPolicy? policy = null) =>
        Conference.Propose("conf-1", Proposal(facts), policy ?? InvitationPolicy.Default, ProposedAt);

    public static Conference Scheduled(CaseInvitationFacts? facts = null, InvitationPolicy? policy = null) =>
        Proposed(facts, policy).Schedule(new ScheduleDetails(), BeforeMeeting);

    public static Conference Held(CaseInvitationFacts? facts = null, InvitationPolicy? policy = null) =>
        Scheduled(facts, policy).RecordHeld(AfterMeeting, London);

    /// <summary>Held, with every invited agency's attendance and every subject's decision recorded: ready for minutes.</summary>
    public static Conference HeldAndRecorded()
    {
        var conference = Held();
        foreach (var invitation in conference.Invitations)
            conference = conference.RecordAttendance(new AttendanceEntry(invitation.Agency, AttendanceStatus.Attended), AfterMeeting);
        return conference.RecordDecision(new SubjectDecisionInput("subj-1", MappaLevel.Level2, MappaCategory.Category1), null,
            ReviewDatePolicy.Default, AfterMeeting);
    }

    public static Conference Minuted() => HeldAndRecorded().Minute("Plan agreed.", AfterMeeting.AddHours(1));

    public static Conference Cancelled() => Scheduled().Cancel("Subject recalled to custody.", BeforeMeeting.AddHours(1));

    public static Conference InStatus(ConferenceStatus status) => status switch
    {
        ConferenceStatus.Proposed => Proposed(),
        ConferenceStatus.Scheduled => Scheduled(),
        ConferenceStatus.Held => HeldAndRecorded(),
        ConferenceStatus.Minuted => Minuted(),
        ConferenceStatus.Cancelled => Cancelled(),
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static AgencyRef Agency(AgencyKind kind, string? organisation = null) => new(kind, organisation);

    /// <summary>The field paths of a validation failure, sorted.</summary>
    public static string[] FieldsOf(Action act)
    {
        var failure = Assert.Throws<ValidationFailedException>(act);
        return failure.Violations.Select(violation => violation.Field).Order(StringComparer.Ordinal).ToArray();
    }

    public static string ReasonOf(Action act) => Assert.Throws<PreconditionFailedException>(act).Reason;
}
