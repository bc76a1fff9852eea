using Mappa.Events;
using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Scheduling.Features.Calendar;

/// <summary>Where an obligation comes from and whom it concerns, as learned from another service's event.</summary>
/// <param name="ObligationId">Deterministic from the source (e.g. <c>assessment-review:{assessmentId}</c>), so a replayed event finds it.</param>
public sealed record ObligationOrigin(string ObligationId, string SubjectId, string Area, ReviewKind Kind, string Source, RiskInstrument? Instrument = null);

/// <summary>
/// Keeps the review calendar: opens obligations, moves their due dates, closes them, and saves each with the sweep
/// cursor the planner gives for the change. Every change is recorded at the scheduling clock's now (never the other
/// service's time), so it can only alter milestones from now on. Works on the caller's <see cref="SchedulingDbContext"/>
/// without saving: a consumer saves once, with its inbox row.
/// </summary>
public sealed class ObligationBook(SchedulingDbContext db, MilestonePlanner planner, SchedulingClock clock, SchedulingDomainOptions options, SweepSignal signal)
{
    public Task<ObligationRecord?> FindAsync(string obligationId, CancellationToken cancellationToken) =>
        db.Obligations.Include(o => o.Revisions).FirstOrDefaultAsync(o => o.ObligationId == obligationId, cancellationToken);

    /// <summary>Opens the obligation, or moves its due date if it is open. A closed obligation is left alone (returns false).</summary>
    public async Task<bool> SetDueDateAsync(ObligationOrigin origin, DateOnly dueDate, CancellationToken cancellationToken)
    {
        var record = await FindAsync(origin.ObligationId, cancellationToken);
        if (record is null)
        {
            var opened = ReviewObligation.Open(origin.ObligationId, origin.Area, dueDate,
                new MilestonePolicy(options.LeadTimeDays, options.ReminderCadenceDays), Instants.Now(clock));
            record = new ObligationRecord
            {
                ObligationId = origin.ObligationId,
                SubjectId = origin.SubjectId,
                Area = origin.Area,
                ReviewKind = (int)origin.Kind,
                Source = origin.Source,
                Instrument = (int?)origin.Instrument,
                LeadTimeDays = opened.Policy.LeadTimeDays,
                ReminderCadenceDays = opened.Policy.ReminderCadenceDays,
                RecordedAt = Instants.ToStored(opened.RecordedAt),
            };
            Apply(record, opened, previousWakeUp: null);
            db.Obligations.Add(record);
            signal.Notify();
            return true;
        }

        var before = ObligationMapping.ToDomain(record);
        if (before.State != ObligationState.Open)
            return false;
        if (origin.Instrument is { } instrument)
            record.Instrument = (int)instrument;
        var after = before.Reschedule(dueDate, NotBefore(before));
        if (!ReferenceEquals(after, before))
        {
            Apply(record, after, Instants.FromStored(record.WakeUpAt));
            signal.Notify();
        }
        return true;
    }

    /// <summary>Completes (or cancels) an open obligation; false when it is unknown or already closed.</summary>
    public async Task<bool> CloseAsync(string obligationId, bool completed, CancellationToken cancellationToken)
    {
        var record = await FindAsync(obligationId, cancellationToken);
        if (record is null)
            return false;
        return Close(record, completed);
    }

    public bool Close(ObligationRecord record, bool completed)
    {
        var before = ObligationMapping.ToDomain(record);
        if (before.State != ObligationState.Open)
            return false;
        var at = NotBefore(before);
        var after = completed ? before.Complete(at) : before.Cancel(at);
        Apply(record, after, Instants.FromStored(record.WakeUpAt));
        signal.Notify();
        return true;
    }

    /// <summary>Open obligations of one subject and kind (e.g. to complete the previous assessment review when a new one is recorded).</summary>
    public Task<List<ObligationRecord>> OpenOfSubjectAsync(string subjectId, ReviewKind kind, CancellationToken cancellationToken) =>
        db.Obligations.Include(o => o.Revisions)
            .Where(o => o.SubjectId == subjectId && o.ReviewKind == (int)kind && o.State == (int)ObligationState.Open)
            .ToListAsync(cancellationToken);

    // A restarted simulated clock may be behind the last recorded change: never record a change before it.
    private DateTimeOffset NotBefore(ReviewObligation obligation)
    {
        var now = Instants.Now(clock);
        return now < obligation.Current.EffectiveFrom ? obligation.Current.EffectiveFrom : now;
    }

    private void Apply(ObligationRecord record, ReviewObligation obligation, DateTimeOffset? previousWakeUp)
    {
        record.State = (int)obligation.State;
        record.DueDay = obligation.DueDate.DayNumber;
        record.ClosedAt = obligation.ClosedAt is { } closed ? Instants.ToStored(closed) : null;
        foreach (var revision in obligation.Revisions.Where(r => record.Revisions.All(existing => existing.Number != r.Number)))
        {
            record.Revisions.Add(new RevisionRecord
            {
                ObligationId = record.ObligationId,
                Number = revision.Number,
                DueDay = revision.DueDate.DayNumber,
                EffectiveFrom = Instants.ToStored(revision.EffectiveFrom),
            });
        }
        record.WakeUpAt = planner.WakeUpAfterChange(obligation, previousWakeUp) is { } wakeUp ? Instants.ToStored(wakeUp) : null;
        record.Version++;
    }
}

/// <summary>Instants as stored (Unix milliseconds). "Now" is cut to the millisecond so a value read back plans exactly as it was saved.</summary>
public static class Instants
{
    public static DateTimeOffset Now(SchedulingClock clock) => FromStored(ToStored(clock.Now))!.Value;

    public static long ToStored(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    public static DateTimeOffset? FromStored(long? milliseconds) =>
        milliseconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}

public static class ObligationMapping
{
    public static ReviewObligation ToDomain(ObligationRecord record) => ReviewObligation.Restore(
        record.ObligationId,
        record.Area,
        new MilestonePolicy(record.LeadTimeDays, record.ReminderCadenceDays),
        record.Revisions.Select(r => new ObligationRevision(r.Number, DateOnly.FromDayNumber(r.DueDay), Instants.FromStored(r.EffectiveFrom)!.Value)),
        (ObligationState)record.State,
        Instants.FromStored(record.ClosedAt));
}
