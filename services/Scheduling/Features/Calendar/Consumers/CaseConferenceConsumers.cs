using MassTransit;
using Mappa.Events;
using Mappa.Events.CaseConference;
using Mappa.Messaging.Inbox;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Scheduling.Features.Calendar.Consumers;

// The CaseConference service owns MAPPA meetings, their level decisions and plan actions.

/// <summary>
/// A meeting scheduled: remember the subject's area (the level and action events do not carry it) and the booking,
/// which makes the coordinator and the responsible authorities busy for slot search and can be exported as a calendar.
/// </summary>
public sealed class ConferenceScheduledConsumer(SchedulingDbContext db, SubjectAreas areas, ILogger<ConferenceScheduledConsumer> logger)
    : IdempotentConsumer<ConferenceScheduled, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.conference-scheduled";

    protected override async Task HandleAsync(ConsumeContext<ConferenceScheduled> context)
    {
        var message = context.Message;
        await areas.RememberAsync(message.Subject.SubjectId, message.Area, context.CancellationToken);
        var booked = await Db.BookedConferences.FirstOrDefaultAsync(c => c.ConferenceId == message.ConferenceId, context.CancellationToken);
        if (booked is null)
        {
            Db.BookedConferences.Add(new BookedConferenceRecord
            {
                ConferenceId = message.ConferenceId, SubjectId = message.Subject.SubjectId, Area = message.Area,
                StartsAt = message.ScheduledFor.ToUnixTimeMilliseconds(), Level = (int?)message.Level, Sequence = 0,
            });
        }
        else
        {
            booked.Area = message.Area;
            booked.StartsAt = message.ScheduledFor.ToUnixTimeMilliseconds();
            booked.Level = (int?)message.Level ?? booked.Level;
            booked.Sequence++;
        }
    }
}

/// <summary>A booked meeting moved: the new time is busy instead of the old, and calendars get a new SEQUENCE.</summary>
public sealed class ConferenceRescheduledConsumer(SchedulingDbContext db, ILogger<ConferenceRescheduledConsumer> logger)
    : IdempotentConsumer<ConferenceRescheduled, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.conference-rescheduled";

    protected override async Task HandleAsync(ConsumeContext<ConferenceRescheduled> context)
    {
        var message = context.Message;
        var booked = await Db.BookedConferences.FirstOrDefaultAsync(c => c.ConferenceId == message.ConferenceId, context.CancellationToken);
        if (booked is null)
        {
            Db.BookedConferences.Add(new BookedConferenceRecord
            {
                ConferenceId = message.ConferenceId, SubjectId = message.Subject.SubjectId, Area = message.Area,
                StartsAt = message.ScheduledFor.ToUnixTimeMilliseconds(), Sequence = 1,
            });
            return;
        }
        booked.Area = message.Area;
        booked.StartsAt = message.ScheduledFor.ToUnixTimeMilliseconds();
        booked.Sequence++;
    }
}

/// <summary>A meeting cancelled: its time is free again; its calendar export says CANCELLED so invitees' calendars drop it.</summary>
public sealed class ConferenceCancelledConsumer(SchedulingDbContext db, ILogger<ConferenceCancelledConsumer> logger)
    : IdempotentConsumer<ConferenceCancelled, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.conference-cancelled";

    protected override async Task HandleAsync(ConsumeContext<ConferenceCancelled> context)
    {
        var booked = await Db.BookedConferences.FirstOrDefaultAsync(c => c.ConferenceId == context.Message.ConferenceId, context.CancellationToken);
        if (booked is { Cancelled: 0 })
        {
            booked.Cancelled = 1;
            booked.Sequence++;
        }
    }
}

/// <summary>
/// A meeting held: it is the review the subject's open meeting-review obligation asked for. The meeting is also kept
/// (area and day) as the population of the attendance-by-agency figures.
/// </summary>
public sealed class ConferenceHeldConsumer(SchedulingDbContext db, ObligationBook book, SubjectAreas areas, ILogger<ConferenceHeldConsumer> logger)
    : IdempotentConsumer<ConferenceHeld, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.conference-held";

    protected override async Task HandleAsync(ConsumeContext<ConferenceHeld> context)
    {
        var message = context.Message;
        foreach (var open in await book.OpenOfSubjectAsync(message.Subject.SubjectId, ReviewKind.MappaMeeting, context.CancellationToken))
            book.Close(open, completed: true);

        // One event per subject of the meeting: the first records it, the others find it.
        var held = await Db.HeldConferences.FirstOrDefaultAsync(c => c.ConferenceId == message.ConferenceId, context.CancellationToken);
        if (held is null)
        {
            // The booking says where it was (a meeting is scheduled before it is held), else the subject's area. If neither
            // is known the review above still completes; only the attendance figures go without this meeting.
            var area = await Db.BookedConferences.Where(c => c.ConferenceId == message.ConferenceId).Select(c => c.Area).FirstOrDefaultAsync(context.CancellationToken)
                ?? await areas.FindAsync(message.Subject.SubjectId, context.CancellationToken);
            if (area is null)
                logger.LogWarning("Conference {ConferenceId} held with no known area: left out of the attendance figures", message.ConferenceId);
            else
                Db.HeldConferences.Add(new HeldConferenceRecord { ConferenceId = message.ConferenceId, Area = area, HeldDay = message.HeldOn.DayNumber });
        }
        else
        {
            held.HeldDay = message.HeldOn.DayNumber;
        }
    }
}

/// <summary>
/// One agency's attendance at a held meeting (codes only), for attendance by agency. The event comes once per subject
/// of the meeting; the latest recording for an agency wins, as attendance may be corrected until the minutes.
/// </summary>
public sealed class AttendanceRecordedConsumer(SchedulingDbContext db, ILogger<AttendanceRecordedConsumer> logger)
    : IdempotentConsumer<AttendanceRecorded, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.attendance-recorded";

    protected override async Task HandleAsync(ConsumeContext<AttendanceRecorded> context)
    {
        var message = context.Message;
        var known = await Db.Attendance.FirstOrDefaultAsync(a => a.ConferenceId == message.ConferenceId && a.Agency == message.Agency, context.CancellationToken);
        if (known is null)
            Db.Attendance.Add(new AttendanceRecord { ConferenceId = message.ConferenceId, Agency = message.Agency, Status = message.Status });
        else
            known.Status = message.Status;
    }
}

/// <summary>
/// A level decided at a meeting sets when the next meeting must review the subject (levels 2 and 3: the date the meeting
/// set, else the configured period from the decision); level 1 needs no meetings, so open meeting reviews are cancelled.
/// </summary>
public sealed class MappaLevelDecidedConsumer(SchedulingDbContext db, SubjectAreas areas, ObligationBook book, SchedulingDomainOptions options,
    MilestoneTiming timing, ILogger<MappaLevelDecidedConsumer> logger)
    : IdempotentConsumer<MappaLevelDecided, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.mappa-level-decided";

    protected override async Task HandleAsync(ConsumeContext<MappaLevelDecided> context)
    {
        var message = context.Message;
        var subjectId = message.Subject.SubjectId;
        int weeks = message.Level switch
        {
            MappaLevel.Level3 => options.Level3MeetingReviewWeeks,
            MappaLevel.Level2 => options.Level2MeetingReviewWeeks,
            _ => 0,
        };
        var ownId = "meeting-review:" + message.ConferenceId;
        foreach (var open in await book.OpenOfSubjectAsync(subjectId, ReviewKind.MappaMeeting, context.CancellationToken))
        {
            if (open.ObligationId != ownId)
                book.Close(open, completed: false);   // replaced by the review this decision sets (or none at level 1)
        }
        if (weeks == 0)
            return;

        var area = await areas.RequireAsync(subjectId, context.CancellationToken);
        // The meeting's own date (its policy or override) when it says; else the configured period from the decision.
        var due = message.NextReviewDate ?? timing.DateOf(message.OccurredAt).AddDays(7 * weeks);
        var origin = new ObligationOrigin(ownId, subjectId, area, ReviewKind.MappaMeeting, "caseconference/conferences/" + message.ConferenceId);
        await book.SetDueDateAsync(origin, due, context.CancellationToken);
    }
}

/// <summary>An action agreed at a meeting got (or changed) its due date.</summary>
public sealed class ActionDueDateSetConsumer(SchedulingDbContext db, SubjectAreas areas, ObligationBook book, ILogger<ActionDueDateSetConsumer> logger)
    : IdempotentConsumer<ActionDueDateSet, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.action-due-date-set";

    protected override async Task HandleAsync(ConsumeContext<ActionDueDateSet> context)
    {
        var message = context.Message;
        var area = await areas.RequireAsync(message.Subject.SubjectId, context.CancellationToken);
        // Action ids are numbered within their conference (act-1, act-2, ...), and one action may concern several subjects.
        var origin = new ObligationOrigin(PlanActionObligations.IdFor(message.ConferenceId, message.ActionId, message.Subject.SubjectId),
            message.Subject.SubjectId, area, ReviewKind.PlanAction, PlanActionObligations.SourceFor(message.ConferenceId, message.ActionId));
        await book.SetDueDateAsync(origin, message.DueDate, context.CancellationToken);
    }
}

public static class PlanActionObligations
{
    /// <summary>Action ids are numbered within their conference (act-1, act-2, ...), and one action may concern several subjects.</summary>
    public static string IdFor(string conferenceId, string actionId, string subjectId) => $"plan-action:{conferenceId}/{actionId}/{subjectId}";

    public static string SourceFor(string conferenceId, string actionId) => $"caseconference/conferences/{conferenceId}/actions/{actionId}";

    /// <summary>
    /// Completes or cancels the action's obligation for one subject, which stops its reminders and records its completed
    /// (or cancelled) milestone. If the due-date event has not been seen (it travels separately), the obligation is
    /// opened from the due date the closing event carries and closed at once; the late due-date event then finds it closed.
    /// </summary>
    public static async Task CloseAsync(ObligationBook book, SubjectAreas areas, SchedulingDbContext db, string conferenceId, string actionId,
        string subjectId, DateOnly dueDate, bool completed, CancellationToken cancellationToken)
    {
        var id = IdFor(conferenceId, actionId, subjectId);
        var record = await book.FindAsync(id, cancellationToken);
        if (record is null)
        {
            var area = await areas.RequireAsync(subjectId, cancellationToken);
            await book.SetDueDateAsync(new ObligationOrigin(id, subjectId, area, ReviewKind.PlanAction, SourceFor(conferenceId, actionId)), dueDate, cancellationToken);
            record = db.Obligations.Local.First(o => o.ObligationId == id);
        }
        book.Close(record, completed);
    }
}

/// <summary>An action agreed at a meeting was done: its obligation is completed (reminders stop, the completed milestone follows).</summary>
public sealed class PlanActionCompletedConsumer(SchedulingDbContext db, SubjectAreas areas, ObligationBook book, ILogger<PlanActionCompletedConsumer> logger)
    : IdempotentConsumer<PlanActionCompleted, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.plan-action-completed";

    protected override Task HandleAsync(ConsumeContext<PlanActionCompleted> context)
    {
        var message = context.Message;
        return PlanActionObligations.CloseAsync(book, areas, Db, message.ConferenceId, message.ActionId, message.Subject.SubjectId, message.DueDate,
            completed: true, context.CancellationToken);
    }
}

/// <summary>An action no longer required: its obligation is cancelled (reminders stop, subscribers can clear an overdue item).</summary>
public sealed class PlanActionCancelledConsumer(SchedulingDbContext db, SubjectAreas areas, ObligationBook book, ILogger<PlanActionCancelledConsumer> logger)
    : IdempotentConsumer<PlanActionCancelled, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.plan-action-cancelled";

    protected override Task HandleAsync(ConsumeContext<PlanActionCancelled> context)
    {
        var message = context.Message;
        return PlanActionObligations.CloseAsync(book, areas, Db, message.ConferenceId, message.ActionId, message.Subject.SubjectId, message.DueDate,
            completed: false, context.CancellationToken);
    }
}
