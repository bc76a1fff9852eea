namespace Mappa.Scheduling.Features.Milestones;

/// <summary>
/// One milestone of one obligation. <see cref="Id"/> is deterministic (obligation, plan revision, kind, sequence), so
/// an outbox with a unique index on it publishes each milestone once however many sweeps compute it.
/// </summary>
/// <param name="Revision">The plan revision (a due-date change starts a new one) the milestone belongs to.</param>
/// <param name="Sequence">0, except for reminders: n for the reminder n cadences after the overdue date.</param>
/// <param name="DueDate">The obligation's due date in that revision.</param>
/// <param name="PlannedDate">The working date the milestone was planned for; null for completion and cancellation.</param>
/// <param name="FallsDueAt">When it is published: the planned date's morning, or the moment of recording for a late announcement or a closure.</param>
/// <param name="AnnouncedLate">
/// True when the obligation was recorded (or re-planned) after this stage had already begun, so it is announced at
/// the moment of recording rather than its planned time.
/// </param>
public sealed record Milestone(
    string Id,
    string ObligationId,
    int Revision,
    MilestoneKind Kind,
    int Sequence,
    DateOnly DueDate,
    DateOnly? PlannedDate,
    DateTimeOffset FallsDueAt,
    bool AnnouncedLate)
{
    /// <summary>The id for a milestone: <c>{obligationId}:r{revision}:{kind}:{sequence}</c>, e.g. <c>obl-42:r1:reminder:3</c>.</summary>
    public static string IdFor(string obligationId, int revision, MilestoneKind kind, int sequence) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{obligationId}:r{revision}:{kind.ToSlug()}:{sequence}");
}
