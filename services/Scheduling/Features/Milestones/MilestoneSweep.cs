namespace Mappa.Scheduling.Features.Milestones;

/// <summary>
/// Finds the milestones that have fallen due, for the publisher to write to its outbox.
/// <para>
/// Each obligation carries its own cursor, <see cref="SweepCandidate.WakeUpAt"/>: the instant of its first milestone
/// not yet swept (kept in the store, indexed). A sweep takes the obligations whose cursor is at or before now, returns
/// their milestones in [cursor, now], and moves each cursor past now. So a sweep costs what is due, not what is stored;
/// successive sweeps of one obligation meet without overlapping; and after downtime the first sweep has a long
/// period and returns everything that fell due meanwhile, once.
/// </para>
/// <para>
/// Exactly once: a milestone's instant never moves once it has passed (changes are recorded at "now" and re-plan only
/// the future; see <see cref="MilestonePlanner.WakeUpAfterChange"/>), and its id is deterministic. Write the outbox
/// rows and the new cursors in one transaction; if that transaction is lost, the next sweep recomputes the same
/// milestones with the same ids, and the outbox's unique index keeps any that did get through from going twice.
/// </para>
/// </summary>
public sealed class MilestoneSweep(MilestonePlanner planner)
{
    public SweepResult Run(IEnumerable<SweepCandidate> candidates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidates);

        var milestones = new List<Milestone>();
        var wakeUps = new List<ObligationWakeUp>();
        foreach (var (obligation, wakeUpAt) in candidates)
        {
            if (wakeUpAt > now)
                continue;   // not due yet: nothing to do, cursor unchanged
            milestones.AddRange(planner.After(obligation, wakeUpAt.AddTicks(-1)).TakeWhile(m => m.FallsDueAt <= now));
            wakeUps.Add(new ObligationWakeUp(obligation.Id, planner.NextAfter(obligation, now)?.FallsDueAt));
        }

        milestones.Sort(static (a, b) =>
        {
            int byTime = a.FallsDueAt.CompareTo(b.FallsDueAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
        });
        return new SweepResult(now, milestones, wakeUps);
    }

    /// <summary>The same sweep, up to the clock's now.</summary>
    public SweepResult Run(IEnumerable<SweepCandidate> candidates, TimeProvider clock) => Run(candidates, clock.GetUtcNow());
}

/// <param name="WakeUpAt">The stored cursor: the instant of the obligation's first milestone not yet swept.</param>
public sealed record SweepCandidate(ReviewObligation Obligation, DateTimeOffset WakeUpAt);

/// <param name="Milestones">What fell due, in time order, each with its deterministic id.</param>
/// <param name="WakeUps">The swept obligations' new cursors (null: nothing more will fall due); save with the outbox rows.</param>
public sealed record SweepResult(DateTimeOffset Now, IReadOnlyList<Milestone> Milestones, IReadOnlyList<ObligationWakeUp> WakeUps);

public sealed record ObligationWakeUp(string ObligationId, DateTimeOffset? NextMilestoneAt);
