using Mappa.Core.Errors;
using Mappa.Events;
using Mappa.Scheduling.Features.Calendar;
using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Persistence;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Scheduling.Features.Compliance;

public sealed record OverdueBandFigure(int MinDays, int? MaxDays, int Count);

public sealed record DueInPeriodFigure(ReviewKind Kind, int Due, int CompletedByDueDate, int CompletedLate, int StillOpen, int Cancelled);

public sealed record ComplianceFigures(string Area, DateOnly PeriodStart, DateOnly PeriodEnd, DateTimeOffset AsOf,
    IReadOnlyList<OverdueBandFigure> OverdueByAge, IReadOnlyList<DueInPeriodFigure> DueInPeriod, IReadOnlyList<string> NotAvailable)
{
    public IReadOnlyList<InstrumentCoverageFigure> CurrentAssessments { get; init; } = [];
    public CompletionDeadlineFigure LsCmiCompletion { get; init; } = new(0, 0, 0, 0);
    public Sa07WithoutRm2000Figure Sa07WithoutRm2000 { get; init; } = new(0, 0);
    public int ConferencesHeld { get; init; }
    public IReadOnlyList<AgencyAttendanceFigure> AttendanceByAgency { get; init; } = [];
}

/// <summary>
/// The compliance figures the review calendar can give for an area and period: reviews overdue by age, and reviews
/// due in the period completed by their due date (for MAPPA meeting reviews: meetings held by their review date).
/// Dates are judged in the service's time zone; an obligation counts under its due date as planned at the time.
/// </summary>
public sealed class ComplianceReporter(SchedulingDbContext db, SchedulingClock clock, MilestoneTiming timing)
{
    /// <summary>Age bands in days past due: a week, four weeks, three months, longer.</summary>
    public static IReadOnlyList<(int Min, int? Max)> Bands { get; } = [(1, 7), (8, 28), (29, 90), (91, null)];

    /// <summary>
    /// What inspections ask for that this service cannot derive from the events it consumes, and why. Empty now: the
    /// figures it once listed (current assessments per instrument, LS/CMI within 20 working days, SA07 without RM2000,
    /// attendance by agency) are computed from RiskAssessment's and CaseConference's events.
    /// </summary>
    public static IReadOnlyList<string> NotAvailable { get; } = [];

    public async Task<ComplianceFigures> ReportAsync(string area, DateOnly? periodStart, DateOnly? periodEnd, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(area))
            violations.Add(new("area", "Required."));
        if (periodStart is null)
            violations.Add(new("period_start", "Required."));
        if (periodEnd is null)
            violations.Add(new("period_end", "Required."));
        if (periodStart > periodEnd)
            violations.Add(new("period_end", "Must not be before period_start."));
        if (violations.Count > 0)
            throw new ValidationFailedException(violations);
        if (!caller.CanSeeArea(area))
            throw new NotFoundException("Area", area);

        var (start, end) = (periodStart!.Value, periodEnd!.Value);
        var endOfPeriod = StartOfDay(end.AddDays(1));
        var now = clock.Now;
        var asOf = endOfPeriod < now ? endOfPeriod : now;
        var asOfDate = timing.DateOf(asOf);
        long asOfStored = Instants.ToStored(asOf);

        var obligations = await db.Obligations.AsNoTracking().Include(o => o.Revisions)
            .Where(o => o.Area == area && o.RecordedAt <= asOfStored)
            .ToListAsync(cancellationToken);

        var overdueAges = new List<int>();
        var overdueReviews = new List<OverdueReview>();
        var deadlineOutcomes = new List<DeadlineOutcome>();
        var byKind = new Dictionary<ReviewKind, (int Due, int OnTime, int Late, int Open, int Cancelled)>();
        foreach (var obligation in obligations)
        {
            var closedAt = Instants.FromStored(obligation.ClosedAt);
            var state = (ObligationState)obligation.State;

            // Overdue at as_of: open then, under the due date in force then.
            bool openAtAsOf = closedAt is null || closedAt > asOf;
            var dueThen = DueDateAt(obligation, asOf);
            if (openAtAsOf && dueThen < asOfDate)
            {
                overdueAges.Add(asOfDate.DayNumber - dueThen.DayNumber);
                if ((ReviewKind)obligation.ReviewKind == ReviewKind.Assessment && obligation.Instrument is { } instrument)
                    overdueReviews.Add(new OverdueReview(obligation.SubjectId, (RiskInstrument)instrument));
            }

            var due = DateOnly.FromDayNumber(obligation.DueDay);
            if (due < start || due > end)
                continue;
            var kind = (ReviewKind)obligation.ReviewKind;
            if (kind == ReviewKind.CompletionDeadline && obligation.ObligationId.StartsWith(LsCmiDeadline.IdFor(""), StringComparison.Ordinal))
            {
                bool closedByAsOf = closedAt is not null && closedAt <= asOf;
                deadlineOutcomes.Add(ComplianceCalculations.Outcome(due,
                    closedByAsOf && state == ObligationState.Completed ? timing.DateOf(closedAt!.Value) : null,
                    closedByAsOf && state == ObligationState.Cancelled, asOfDate));
            }
            var figures = byKind.GetValueOrDefault(kind);
            figures.Due++;
            if (state == ObligationState.Completed && closedAt is { } completedAt && completedAt <= asOf)
            {
                if (timing.DateOf(completedAt) <= due) figures.OnTime++;
                else figures.Late++;
            }
            else if (state == ObligationState.Cancelled && closedAt <= asOf)
            {
                figures.Cancelled++;
            }
            else
            {
                figures.Open++;
            }
            byKind[kind] = figures;
        }

        // The area's subjects as this service knew them at as_of, and their assessments current then.
        var subjects = await db.SubjectAreas.AsNoTracking()
            .Where(s => s.Area == area && (s.KnownSince == null || s.KnownSince <= asOfStored))
            .Select(s => s.SubjectId).ToListAsync(cancellationToken);
        var current = (await db.KnownAssessments.AsNoTracking()
            .Where(a => db.SubjectAreas.Any(s => s.SubjectId == a.SubjectId && s.Area == area)
                && (a.RecordedAt == null || a.RecordedAt <= asOfStored)
                && (a.SupersededAt == null || a.SupersededAt > asOfStored))
            .Select(a => new { a.SubjectId, a.Instrument }).ToListAsync(cancellationToken))
            .Select(a => new CurrentAssessment(a.SubjectId, (RiskInstrument)a.Instrument)).ToList();

        int startDay = start.DayNumber, endDay = end.DayNumber;
        var held = await db.HeldConferences.AsNoTracking()
            .Where(c => c.Area == area && c.HeldDay >= startDay && c.HeldDay <= endDay)
            .Select(c => c.ConferenceId).ToListAsync(cancellationToken);
        var attendance = await db.Attendance.AsNoTracking()
            .Where(a => db.HeldConferences.Any(c => c.ConferenceId == a.ConferenceId && c.Area == area && c.HeldDay >= startDay && c.HeldDay <= endDay))
            .Select(a => new { a.Agency, a.Status }).ToListAsync(cancellationToken);

        return new ComplianceFigures(area, start, end, asOf,
            [.. Bands.Select(b => new OverdueBandFigure(b.Min, b.Max, overdueAges.Count(age => age >= b.Min && (b.Max is null || age <= b.Max))))],
            [.. byKind.OrderBy(k => k.Key).Select(k => new DueInPeriodFigure(k.Key, k.Value.Due, k.Value.OnTime, k.Value.Late, k.Value.Open, k.Value.Cancelled))],
            NotAvailable)
        {
            CurrentAssessments = ComplianceCalculations.Coverage(subjects, current, overdueReviews),
            LsCmiCompletion = ComplianceCalculations.Deadlines(deadlineOutcomes),
            Sa07WithoutRm2000 = ComplianceCalculations.Sa07WithoutRm2000(subjects, current),
            ConferencesHeld = held.Count,
            AttendanceByAgency = ComplianceCalculations.AttendanceByAgency(attendance.Select(a => (a.Agency, a.Status))),
        };
    }

    private DateTimeOffset StartOfDay(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, timing.TimeZone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static DateOnly DueDateAt(ObligationRecord obligation, DateTimeOffset instant)
    {
        var at = Instants.ToStored(instant);
        var revision = obligation.Revisions.Where(r => r.EffectiveFrom <= at).MaxBy(r => r.Number) ?? obligation.Revisions.MinBy(r => r.Number);
        return revision is null ? DateOnly.FromDayNumber(obligation.DueDay) : DateOnly.FromDayNumber(revision.DueDay);
    }
}
