using Mappa.Core.WorkingDays;

namespace Mappa.Scheduling.Features.Milestones;

/// <summary>
/// Plans an obligation's milestones. Pure: the answer depends only on the obligation, the calendar and the timing,
/// never on when it is asked, so any number of sweeps (or a restart mid-sweep) compute the same milestones and ids.
/// <para>The plan of one revision, with due date D in area A:</para>
/// <list type="bullet">
/// <item>due soon: D minus the lead time, moved back to a working day (so the notice is never later than promised);</item>
/// <item>due: on D itself;</item>
/// <item>overdue: the first working day after D;</item>
/// <item>reminder n: overdue + n × cadence, moved forward to a working day (skipped if that lands on the previous reminder's day).</item>
/// </list>
/// <para>
/// A revision governs from the moment it was recorded until the next revision or the closure. If a stage had already
/// begun when the revision was recorded (an obligation registered ten days before its due date, or a due date moved
/// into the past) that stage is announced once, at the moment of recording, rather than replaying every past
/// milestone; later milestones follow the plan. Completion or cancellation is announced at its recorded moment and
/// nothing of that obligation follows it.
/// </para>
/// </summary>
/// <param name="nationalHolidaysForUnconfiguredAreas">
/// False (strict): an area without a calendar entry is an error. True: such an area is planned on national holidays
/// only; the service uses this because obligations arrive from other services for areas that may have no local
/// holidays configured, and refusing them would lose the review.
/// </param>
public sealed class MilestonePlanner(WorkingDayCalendar calendar, MilestoneTiming timing, bool nationalHolidaysForUnconfiguredAreas = false)
{
    // Reminders are found by jumping to about the right one rather than walking from the first; this margin covers
    // the longest run of non-working days an area could configure, so no reminder before the jump can land after it.
    private const int ReminderJumpMarginDays = 40;

    public WorkingDayCalendar Calendar { get; } = calendar;
    public MilestoneTiming Timing { get; } = timing;

    /// <summary>All milestones in order. Endless while the obligation is open and overdue: take what you need.</summary>
    public IEnumerable<Milestone> Plan(ReviewObligation obligation) => After(obligation, DateTimeOffset.MinValue);

    /// <summary>Milestones falling due in (<paramref name="afterExclusive"/>, <paramref name="upToInclusive"/>], in order.</summary>
    public IReadOnlyList<Milestone> Between(ReviewObligation obligation, DateTimeOffset afterExclusive, DateTimeOffset upToInclusive) =>
        [.. After(obligation, afterExclusive).TakeWhile(m => m.FallsDueAt <= upToInclusive)];

    /// <summary>The first milestone strictly after an instant, or null when the obligation has nothing more to say.</summary>
    public Milestone? NextAfter(ReviewObligation obligation, DateTimeOffset afterExclusive) =>
        After(obligation, afterExclusive).FirstOrDefault();

    /// <summary>The first milestone at or after an instant: what a store keeps (indexed) as the obligation's next wake-up.</summary>
    public Milestone? NextAtOrAfter(ReviewObligation obligation, DateTimeOffset instant) =>
        NextAfter(obligation, instant == DateTimeOffset.MinValue ? instant : instant.AddTicks(-1));

    /// <summary>
    /// The cursor (<see cref="SweepCandidate.WakeUpAt"/>) to save with an obligation just registered, re-planned or
    /// closed. Milestones before the change are the same in the old and new plan (revisions keep their history), so
    /// any that were due but not yet swept stay pending; milestones from the change on follow the new plan.
    /// </summary>
    /// <param name="previousWakeUp">The cursor saved before the change; null for a new obligation.</param>
    public DateTimeOffset? WakeUpAfterChange(ReviewObligation changed, DateTimeOffset? previousWakeUp)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var changedAt = changed.ClosedAt ?? changed.Current.EffectiveFrom;
        var from = previousWakeUp is { } previous && previous < changedAt ? previous : changedAt;
        return NextAtOrAfter(changed, from)?.FallsDueAt;
    }

    /// <summary>Milestones strictly after <paramref name="afterExclusive"/>, in order (lazily; endless while open).</summary>
    public IEnumerable<Milestone> After(ReviewObligation obligation, DateTimeOffset afterExclusive)
    {
        ArgumentNullException.ThrowIfNull(obligation);
        if (!Calendar.HasArea(obligation.Area) && !nationalHolidaysForUnconfiguredAreas)
            throw new UnknownAreaException(obligation.Area);
        return Enumerate(obligation, afterExclusive);
    }

    private IEnumerable<Milestone> Enumerate(ReviewObligation obligation, DateTimeOffset afterExclusive)
    {
        var revisions = obligation.Revisions;
        for (int i = 0; i < revisions.Length; i++)
        {
            var revision = revisions[i];
            DateTimeOffset? governsUntil = i + 1 < revisions.Length ? revisions[i + 1].EffectiveFrom : obligation.ClosedAt;
            if (governsUntil is { } end && end <= afterExclusive)
                continue;   // this revision's milestones are all before the window

            foreach (var milestone in RevisionMilestones(obligation, revision, afterExclusive))
            {
                if (governsUntil is { } until && milestone.FallsDueAt >= until)
                    break;
                if (milestone.FallsDueAt > afterExclusive)
                    yield return milestone;
            }
        }

        if (obligation.ClosedAt is { } closedAt && closedAt > afterExclusive)
        {
            var kind = obligation.State == ObligationState.Completed ? MilestoneKind.Completed : MilestoneKind.Cancelled;
            var last = obligation.Current;
            yield return new Milestone(Milestone.IdFor(obligation.Id, last.Number, kind, 0), obligation.Id, last.Number, kind, 0,
                last.DueDate, PlannedDate: null, closedAt, AnnouncedLate: false);
        }
    }

    /// <summary>One revision's milestones from its effective moment on, in order, ignoring later revisions and closure.</summary>
    private IEnumerable<Milestone> RevisionMilestones(ReviewObligation obligation, ObligationRevision revision, DateTimeOffset afterExclusive)
    {
        string? area = Calendar.HasArea(obligation.Area) ? obligation.Area : null;   // null: national holidays only
        var policy = obligation.Policy;
        var due = revision.DueDate;
        var overdue = Calendar.NextWorkingDay(due, area);

        var stages = new List<(MilestoneKind Kind, DateOnly Date)>(3);
        if (policy.LeadTimeDays > 0)
            stages.Add((MilestoneKind.DueSoon, Calendar.WorkingDayOnOrBefore(due.AddDays(-policy.LeadTimeDays), area)));
        stages.Add((MilestoneKind.Due, due));
        stages.Add((MilestoneKind.Overdue, overdue));

        // The stage already under way when the revision was recorded is announced once, at that moment.
        var start = revision.EffectiveFrom;
        var begun = stages.LastOrDefault(s => Timing.InstantOf(s.Date) <= start);
        if (begun != default)
        {
            bool late = Timing.InstantOf(begun.Date) < start;
            yield return Create(begun.Kind, 0, begun.Date, late ? start : Timing.InstantOf(begun.Date), late);
        }

        foreach (var (kind, date) in stages)
        {
            if (Timing.InstantOf(date) > start)
                yield return Create(kind, 0, date, Timing.InstantOf(date), announcedLate: false);
        }

        // Reminders after the later of the revision's start and the window's start; jump close to the first needed.
        var from = afterExclusive > start ? afterExclusive : start;
        int cadence = policy.ReminderCadenceDays;
        int daysIn = Timing.DateOf(from).DayNumber - overdue.DayNumber - ReminderJumpMarginDays;
        int first = Math.Max(1, daysIn / cadence);
        var previous = ReminderDate(overdue, first - 1, cadence, area);
        for (int n = first; ; n++)
        {
            var date = ReminderDate(overdue, n, cadence, area);
            if (date == previous)
                continue;   // two cadence points rolled onto the same working day: one reminder is enough
            previous = date;
            var at = Timing.InstantOf(date);
            if (at > from)
                yield return Create(MilestoneKind.Reminder, n, date, at, announcedLate: false);
        }

        Milestone Create(MilestoneKind kind, int sequence, DateOnly date, DateTimeOffset at, bool announcedLate) =>
            new(Milestone.IdFor(obligation.Id, revision.Number, kind, sequence), obligation.Id, revision.Number, kind, sequence,
                due, date, at, announcedLate);
    }

    private DateOnly ReminderDate(DateOnly overdue, int n, int cadence, string? area) =>
        n == 0 ? overdue : Calendar.WorkingDayOnOrAfter(overdue.AddDays(n * cadence), area);
}
