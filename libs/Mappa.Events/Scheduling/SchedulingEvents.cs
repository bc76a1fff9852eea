namespace Mappa.Events.Scheduling;

// Published by the Scheduling service when a review obligation reaches a milestone. These are the events police
// and social-work systems subscribe to: the HMPPS systems have no "review due" event, ours is new.

/// <summary>A review falls due within the configured warning period.</summary>
[DomainEventType("mappa.scheduling.review.due-soon", 1)]
public sealed record ReviewDueSoon : DomainEvent
{
    public required string ObligationId { get; init; }
    public required ReviewKind Kind { get; init; }
    public required DateOnly DueDate { get; init; }
    public required string Area { get; init; }
}

/// <summary>A review is due today.</summary>
[DomainEventType("mappa.scheduling.review.due", 1)]
public sealed record ReviewDue : DomainEvent
{
    public required string ObligationId { get; init; }
    public required ReviewKind Kind { get; init; }
    public required DateOnly DueDate { get; init; }
    public required string Area { get; init; }
}

/// <summary>A review passed its due date without being completed.</summary>
[DomainEventType("mappa.scheduling.review.overdue", 1)]
public sealed record ReviewOverdue : DomainEvent
{
    public required string ObligationId { get; init; }
    public required ReviewKind Kind { get; init; }
    public required DateOnly DueDate { get; init; }
    public required int DaysOverdue { get; init; }
    public required string Area { get; init; }
}

/// <summary>A review was completed; the next one, if any, is already scheduled.</summary>
[DomainEventType("mappa.scheduling.review.completed", 1)]
public sealed record ReviewCompleted : DomainEvent
{
    public required string ObligationId { get; init; }
    public required ReviewKind Kind { get; init; }
    public required DateOnly DueDate { get; init; }
    public required DateOnly CompletedOn { get; init; }
    public DateOnly? NextDueDate { get; init; }
}

/// <summary>A review is no longer required (withdrawn, or its assessment superseded): subscribers can clear an overdue item.</summary>
[DomainEventType("mappa.scheduling.review.cancelled", 1)]
public sealed record ReviewCancelled : DomainEvent
{
    public required string ObligationId { get; init; }
    public required ReviewKind Kind { get; init; }
    public required DateOnly DueDate { get; init; }
    public required string Area { get; init; }
}
