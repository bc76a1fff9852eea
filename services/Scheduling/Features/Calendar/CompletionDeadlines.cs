using Mappa.Core.WorkingDays;
using Mappa.Events;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Scheduling.Features.Calendar;

/// <summary>
/// The LS/CMI completion deadline: an LS/CMI for everyone on supervision within 20 working days of the start of
/// supervision (reference 002, footnote 12), counted on the shared working-day calendar with the area's local holidays
/// (the start day itself is not counted). One obligation per subject, <c>lscmi-completion:{subjectId}</c>, kind
/// completion deadline; an LS/CMI recorded on or after the start of supervision completes it.
/// </summary>
public static class LsCmiDeadline
{
    public const int WorkingDays = 20;

    public static string IdFor(string subjectId) => "lscmi-completion:" + subjectId;

    public static string SourceFor(string subjectId) => "riskassessment/subjects/" + subjectId;

    /// <summary>The due date: <see cref="WorkingDays"/> working days after the start (area holidays when the area is configured, else national ones).</summary>
    public static DateOnly DueDate(WorkingDayCalendar calendar, DateOnly supervisionStart, string area, bool nationalHolidaysForUnconfiguredAreas)
    {
        if (!calendar.HasArea(area) && !nationalHolidaysForUnconfiguredAreas)
            throw new UnknownAreaException(area);
        return calendar.AddWorkingDays(supervisionStart, WorkingDays, calendar.HasArea(area) ? area : null);
    }
}

/// <summary>Keeps the LS/CMI completion deadline of each subject from the supervision start date RiskAssessment tells us.</summary>
public sealed class CompletionDeadlineBook(SchedulingDbContext db, ObligationBook book, WorkingDayCalendar calendar, SchedulingDomainOptions options,
    MilestoneTiming timing)
{
    /// <summary>
    /// Opens (or moves) the deadline for a start of supervision, and completes it at once when an LS/CMI recorded on or
    /// after that start is already known (the events may arrive in either order).
    /// </summary>
    public async Task SupervisionStartedAsync(SubjectAreaRecord subject, DateOnly supervisionStart, CancellationToken cancellationToken)
    {
        subject.SupervisionStartDay = supervisionStart.DayNumber;
        var due = LsCmiDeadline.DueDate(calendar, supervisionStart, subject.Area, options.PlanUnconfiguredAreasOnNationalHolidays);
        var id = LsCmiDeadline.IdFor(subject.SubjectId);
        var origin = new ObligationOrigin(id, subject.SubjectId, subject.Area, ReviewKind.CompletionDeadline, LsCmiDeadline.SourceFor(subject.SubjectId),
            RiskInstrument.LsCmi);
        if (!await book.SetDueDateAsync(origin, due, cancellationToken))
            return;   // already completed: a later change of the start date does not reopen it

        var recorded = await db.KnownAssessments.AsNoTracking()
            .Where(a => a.SubjectId == subject.SubjectId && a.Instrument == (int)RiskInstrument.LsCmi && a.RecordedAt != null)
            .Select(a => a.RecordedAt!.Value).ToListAsync(cancellationToken);
        recorded.AddRange(db.KnownAssessments.Local
            .Where(a => a.SubjectId == subject.SubjectId && a.Instrument == (int)RiskInstrument.LsCmi && a.RecordedAt is not null)
            .Select(a => a.RecordedAt!.Value));
        if (recorded.Any(at => timing.DateOf(Instants.FromStored(at)!.Value) >= supervisionStart))
        {
            var record = db.Obligations.Local.First(o => o.ObligationId == id);
            book.Close(record, completed: true);
        }
    }

    /// <summary>An LS/CMI recorded: the subject's open completion deadline is met.</summary>
    public async Task LsCmiRecordedAsync(string subjectId, CancellationToken cancellationToken) =>
        await book.CloseAsync(LsCmiDeadline.IdFor(subjectId), completed: true, cancellationToken);
}
