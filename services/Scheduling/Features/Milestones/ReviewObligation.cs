using System.Collections.Immutable;
using Mappa.Core.Errors;

namespace Mappa.Scheduling.Features.Milestones;

public enum ObligationState
{
    Open,
    Completed,
    Cancelled,
}

/// <summary>
/// One version of an obligation's due date, in force from <paramref name="EffectiveFrom"/> (the moment the change was
/// recorded) until the next revision. Earlier revisions are kept so that a sweep over a period that straddles a
/// change still returns exactly what was due under each.
/// </summary>
public sealed record ObligationRevision(int Number, DateOnly DueDate, DateTimeOffset EffectiveFrom);

/// <summary>
/// Something that must be done by a date: an assessment's next review, a MAPPA meeting's review, a completion
/// deadline. Immutable: each change returns a new value, for the store to save.
/// <para>
/// Every change takes the instant it is <em>recorded</em> (the scheduling clock's now), never the instant it happened
/// in another service, so that a change can only alter milestones from now on, never ones already swept.
/// </para>
/// </summary>
public sealed class ReviewObligation
{
    private ReviewObligation(string id, string area, MilestonePolicy policy, ImmutableArray<ObligationRevision> revisions,
        ObligationState state, DateTimeOffset? closedAt)
    {
        Id = id;
        Area = area;
        Policy = policy;
        Revisions = revisions;
        State = state;
        ClosedAt = closedAt;
    }

    public string Id { get; }

    /// <summary>The area whose working days (national and local holidays) the plan follows.</summary>
    public string Area { get; }

    public MilestonePolicy Policy { get; }

    /// <summary>Due-date revisions, oldest first; never empty.</summary>
    public ImmutableArray<ObligationRevision> Revisions { get; }

    public ObligationRevision Current => Revisions[^1];
    public DateOnly DueDate => Current.DueDate;
    public ObligationState State { get; }

    /// <summary>When it was completed or cancelled (as recorded); null while open.</summary>
    public DateTimeOffset? ClosedAt { get; }

    /// <summary>When the obligation was first recorded.</summary>
    public DateTimeOffset RecordedAt => Revisions[0].EffectiveFrom;

    public static ReviewObligation Open(string id, string area, DateOnly dueDate, MilestonePolicy policy, DateTimeOffset recordedAt)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(id))
            violations.Add(new("obligation_id", "Required."));
        if (string.IsNullOrWhiteSpace(area))
            violations.Add(new("area", "Required."));
        if (violations.Count > 0)
            throw new ValidationFailedException(violations);
        ArgumentNullException.ThrowIfNull(policy);

        return new ReviewObligation(id, area, policy, [new ObligationRevision(1, dueDate, recordedAt)], ObligationState.Open, null);
    }

    /// <summary>Rebuilds an obligation from storage, checking the invariants the planner relies on.</summary>
    public static ReviewObligation Restore(string id, string area, MilestonePolicy policy, IEnumerable<ObligationRevision> revisions,
        ObligationState state, DateTimeOffset? closedAt)
    {
        var ordered = revisions.OrderBy(r => r.Number).ToImmutableArray();
        if (ordered.IsEmpty)
            throw new ArgumentException("An obligation has at least one revision.", nameof(revisions));
        var opened = Open(id, area, ordered[0].DueDate, policy, ordered[0].EffectiveFrom);
        for (int i = 0; i < ordered.Length; i++)
        {
            if (ordered[i].Number != i + 1)
                throw new ArgumentException("Revisions are numbered 1, 2, 3 … without gaps.", nameof(revisions));
            if (i > 0 && ordered[i].EffectiveFrom < ordered[i - 1].EffectiveFrom)
                throw new ArgumentException("Revisions take effect in order.", nameof(revisions));
        }
        if ((state == ObligationState.Open) != (closedAt is null))
            throw new ArgumentException("An open obligation has no closing time; a closed one has one.", nameof(closedAt));
        if (closedAt < ordered[^1].EffectiveFrom)
            throw new ArgumentException("An obligation cannot close before its last revision.", nameof(closedAt));

        return new ReviewObligation(opened.Id, opened.Area, policy, ordered, state, closedAt);
    }

    /// <summary>
    /// A new due date starts a new plan revision from <paramref name="recordedAt"/>; milestones still to come under the
    /// old date are dropped. The same date again changes nothing.
    /// </summary>
    public ReviewObligation Reschedule(DateOnly newDueDate, DateTimeOffset recordedAt)
    {
        EnsureOpen();
        EnsureNotBefore(Current.EffectiveFrom, recordedAt);
        if (newDueDate == DueDate)
            return this;

        return new ReviewObligation(Id, Area, Policy, Revisions.Add(new ObligationRevision(Current.Number + 1, newDueDate, recordedAt)),
            ObligationState.Open, null);
    }

    /// <summary>Completion stops further milestones and announces "completed" at <paramref name="recordedAt"/>.</summary>
    public ReviewObligation Complete(DateTimeOffset recordedAt) => Close(ObligationState.Completed, recordedAt);

    /// <summary>Cancellation (withdrawn or superseded) stops further milestones and announces "cancelled".</summary>
    public ReviewObligation Cancel(DateTimeOffset recordedAt) => Close(ObligationState.Cancelled, recordedAt);

    private ReviewObligation Close(ObligationState state, DateTimeOffset recordedAt)
    {
        EnsureOpen();
        EnsureNotBefore(Current.EffectiveFrom, recordedAt);
        return new ReviewObligation(Id, Area, Policy, Revisions, state, recordedAt);
    }

    private void EnsureOpen()
    {
        if (State != ObligationState.Open)
            throw new PreconditionFailedException("OBLIGATION_CLOSED", $"Review obligation '{Id}' is already {State.ToString().ToLowerInvariant()}.");
    }

    private static void EnsureNotBefore(DateTimeOffset last, DateTimeOffset recordedAt)
    {
        if (recordedAt < last)
            throw new ArgumentOutOfRangeException(nameof(recordedAt), recordedAt,
                $"Changes are recorded at the scheduling clock's now, which cannot be before the last change ({last:O}).");
    }
}
