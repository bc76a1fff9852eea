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
    IReadOnlyList<OverdueBandFigure> OverdueByAge, IReadOnlyList<DueInPeriodFigure> DueInPeriod, IReadOnlyList<string> NotAvailable);

/// <summary>
/// The compliance figures the review calendar can give for an area and period: reviews overdue by age, and reviews
/// due in the period completed by their due date (for MAPPA meeting reviews: meetings held by their review date).
/// Dates are judged in the service's time zone; an obligation counts under its due date as planned at the time.
/// </summary>
public sealed class ComplianceReporter(SchedulingDbContext db, SchedulingClock clock, MilestoneTiming timing)
{
    /// <summary>Age bands in days past due: a week, four weeks, three months, longer.</summary>
    public static IReadOnlyList<(int Min, int? Max)> Bands { get; } = [(1, 7), (8, 28), (29, 90), (91, null)];

    /// <summary>What inspections ask for that the calendar alone cannot answer, and why.</summary>
    public static IReadOnlyList<string> NotAvailable { get; } =
    [
        "Share of subjects with a current assessment per instrument: needs the register of subjects and their current assessments (RiskAssessment), not only review obligations.",
        "LS/CMI completed within 20 working days of the start of supervision: no event gives the start of supervision yet.",
        "SA07 without RM2000: needs each subject's assessments by instrument (RiskAssessment).",
        "Attendance by agency: CaseConference's attendance events are not consumed by this service yet.",
    ];

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
        var byKind = new Dictionary<ReviewKind, (int Due, int OnTime, int Late, int Open, int Cancelled)>();
        foreach (var obligation in obligations)
        {
            var closedAt = Instants.FromStored(obligation.ClosedAt);
            var state = (ObligationState)obligation.State;

            // Overdue at as_of: open then, under the due date in force then.
            bool openAtAsOf = closedAt is null || closedAt > asOf;
            var dueThen = DueDateAt(obligation, asOf);
            if (openAtAsOf && dueThen < asOfDate)
                overdueAges.Add(asOfDate.DayNumber - dueThen.DayNumber);

            var due = DateOnly.FromDayNumber(obligation.DueDay);
            if (due < start || due > end)
                continue;
            var kind = (ReviewKind)obligation.ReviewKind;
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

        return new ComplianceFigures(area, start, end, asOf,
            [.. Bands.Select(b => new OverdueBandFigure(b.Min, b.Max, overdueAges.Count(age => age >= b.Min && (b.Max is null || age <= b.Max))))],
            [.. byKind.OrderBy(k => k.Key).Select(k => new DueInPeriodFigure(k.Key, k.Value.Due, k.Value.OnTime, k.Value.Late, k.Value.Open, k.Value.Cancelled))],
            NotAvailable);
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
