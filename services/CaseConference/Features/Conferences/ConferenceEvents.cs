using Google.Protobuf.Reflection;
using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.PlanActions;
using Mappa.Events;
using MappaLevel = Mappa.CaseConference.Features.Decisions.MappaLevel;
using Mappa.Events.CaseConference;
using Mappa.Messaging.Persistence;
using Common = Mappa.Contracts.Common.V1;
using Pb = Mappa.Contracts.CaseConference.V1;

namespace Mappa.CaseConference.Features.Conferences;

/// <summary>
/// Records the thin events of a conference change on the outbox, one per subject (events are about one person).
/// Ids, dates, codes and the area only: reasons, names and minutes stay behind GetConference.
/// </summary>
public static class ConferenceEvents
{
    public const string GetConferenceMethod = "/mappa.caseconference.v1.ConferenceService/GetConference";

    private static readonly EnumDescriptor AgencyKinds = Common.AgencyReflection.Descriptor.FindTypeByName<EnumDescriptor>("AgencyKind");
    private static readonly EnumDescriptor AttendanceStatuses = Pb.AttendanceReflection.Descriptor.FindTypeByName<EnumDescriptor>("AttendanceStatus");

    public static void Proposed(MappaDbContext db, Conference conference, DateTimeOffset now) =>
        ForEachSubject(db, conference, subject => new ConferenceProposed
        {
            OccurredAt = now,
            Subject = subject,
            Detail = Detail(conference),
            ConferenceId = conference.Id,
            Area = conference.Area,
            TargetDate = conference.TargetDate,
            SourceObligationId = conference.SourceObligationId,
        });

    public static void Scheduled(MappaDbContext db, Conference conference, DateTimeOffset now) =>
        ForEachSubject(db, conference, subject => new ConferenceScheduled
        {
            OccurredAt = now,
            Subject = subject,
            Detail = Detail(conference),
            ConferenceId = conference.Id,
            ScheduledFor = conference.StartTime!.Value,
            Level = conference.Kind switch
            {
                ConferenceKind.InitialLevel2 => Events.MappaLevel.Level2,
                ConferenceKind.InitialLevel3 => Events.MappaLevel.Level3,
                _ => null,
            },
            Area = conference.Area,
        });

    public static void Rescheduled(MappaDbContext db, Conference before, Conference after, DateTimeOffset now) =>
        ForEachSubject(db, after, subject => new ConferenceRescheduled
        {
            OccurredAt = now,
            Subject = subject,
            Detail = Detail(after),
            ConferenceId = after.Id,
            ScheduledFor = after.StartTime!.Value,
            PreviouslyScheduledFor = before.StartTime,
            Area = after.Area,
        });

    public static void Cancelled(MappaDbContext db, Conference conference, DateTimeOffset now) =>
        ForEachSubject(db, conference, subject => new ConferenceCancelled
        {
            OccurredAt = now,
            Subject = subject,
            Detail = Detail(conference),
            ConferenceId = conference.Id,
            Area = conference.Area,
        });

    public static void Held(MappaDbContext db, Conference conference, DateTimeOffset now) =>
        ForEachSubject(db, conference, subject => new ConferenceHeld
        {
            OccurredAt = now,
            Subject = subject,
            Detail = Detail(conference),
            ConferenceId = conference.Id,
            HeldOn = conference.HeldOn!.Value,
        });

    public static void AttendanceRecorded(MappaDbContext db, Conference conference, AgencyKind agency, AttendanceStatus status, DateTimeOffset now) =>
        ForEachSubject(db, conference, subject => new AttendanceRecorded
        {
            OccurredAt = now,
            Subject = subject,
            Detail = Detail(conference),
            ConferenceId = conference.Id,
            Agency = AgencyKinds.FindValueByNumber((int)agency)?.Name ?? "AGENCY_KIND_UNSPECIFIED",
            Status = AttendanceStatuses.FindValueByNumber((int)status)?.Name ?? "ATTENDANCE_STATUS_UNSPECIFIED",
        });

    /// <summary>The decisions become the subjects' standing when the minutes close the record, so that is when they are announced.</summary>
    public static void LevelsDecided(MappaDbContext db, Conference minuted, DateTimeOffset now)
    {
        foreach (var decision in minuted.Decisions)
        {
            db.RecordEvent(new MappaLevelDecided
            {
                OccurredAt = now,
                Subject = SubjectReference.Of(decision.SubjectId),
                Detail = Detail(minuted),
                ConferenceId = minuted.Id,
                Level = ToEvent(decision.Level),
                PreviousLevel = decision.PreviousLevel is { } previous ? ToEvent(previous) : null,
                Category = (Events.MappaCategory)(int)decision.Category,
                NextReviewDate = decision.NextReview.Date,
            });
        }
    }

    /// <summary>An action's due date feeds the review calendar: one event for its subject, or for each subject when it concerns them all.</summary>
    public static void ActionDueDateSet(MappaDbContext db, Conference conference, PlanAction action, DateTimeOffset now)
    {
        var subjects = action.SubjectId is { } one ? [one] : conference.SubjectIds.ToArray();
        foreach (var subjectId in subjects)
        {
            db.RecordEvent(new ActionDueDateSet
            {
                OccurredAt = now,
                Subject = SubjectReference.Of(subjectId),
                Detail = Detail(conference),
                ConferenceId = conference.Id,
                ActionId = action.Id,
                DueDate = action.DueDate,
            });
        }
    }

    /// <summary>An action done: the review calendar completes the obligation its due date opened, for each subject it concerns.</summary>
    public static void ActionCompleted(MappaDbContext db, Conference conference, PlanAction action, DateTimeOffset now) =>
        ForEachSubjectOf(conference, action, subject => db.RecordEvent(new PlanActionCompleted
        {
            OccurredAt = now, Subject = subject, Detail = Detail(conference), ConferenceId = conference.Id, ActionId = action.Id, DueDate = action.DueDate,
        }));

    /// <summary>An action no longer required (the reason stays behind GetConference): the calendar cancels its obligation.</summary>
    public static void ActionCancelled(MappaDbContext db, Conference conference, PlanAction action, DateTimeOffset now) =>
        ForEachSubjectOf(conference, action, subject => db.RecordEvent(new PlanActionCancelled
        {
            OccurredAt = now, Subject = subject, Detail = Detail(conference), ConferenceId = conference.Id, ActionId = action.Id, DueDate = action.DueDate,
        }));

    /// <summary>Records <see cref="ActionCompleted"/> or <see cref="ActionCancelled"/> for an action that is now closed.</summary>
    public static void ActionClosed(MappaDbContext db, Conference conference, PlanAction action, DateTimeOffset now)
    {
        if (action.Status == PlanActionStatus.Done)
            ActionCompleted(db, conference, action, now);
        else if (action.Status == PlanActionStatus.Cancelled)
            ActionCancelled(db, conference, action, now);
    }

    // An action concerns its subject, or every subject of the conference when it names none (as its due-date events did).
    private static void ForEachSubjectOf(Conference conference, PlanAction action, Action<SubjectReference> record)
    {
        var subjects = action.SubjectId is { } one ? [one] : conference.SubjectIds.ToArray();
        foreach (var subjectId in subjects)
            record(SubjectReference.Of(subjectId));
    }

    private static Events.MappaLevel ToEvent(Decisions.MappaLevel level) => (Events.MappaLevel)(int)level;

    private static DetailLink Detail(Conference conference) => new(GetConferenceMethod, "conference_id", conference.Id);

    private static void ForEachSubject(MappaDbContext db, Conference conference, Func<SubjectReference, DomainEvent> create)
    {
        foreach (var subjectId in conference.SubjectIds)
            db.RecordEvent(create(SubjectReference.Of(subjectId)));
    }
}
