namespace Mappa.Events.CaseConference;

// Published by the CaseConference service (MAPPA meetings). Attendance and minutes stay behind the RPC.

/// <summary>A MAPPA meeting was scheduled.</summary>
[DomainEventType("mappa.caseconference.conference.scheduled", 1)]
public sealed record ConferenceScheduled : DomainEvent
{
    public required string ConferenceId { get; init; }
    public required DateTimeOffset ScheduledFor { get; init; }
    public MappaLevel? Level { get; init; }
    public required string Area { get; init; }
}

/// <summary>A MAPPA meeting took place (it goes ahead even when an invited agency is absent).</summary>
[DomainEventType("mappa.caseconference.conference.held", 1)]
public sealed record ConferenceHeld : DomainEvent
{
    public required string ConferenceId { get; init; }
    public required DateOnly HeldOn { get; init; }
}

/// <summary>The meeting decided the subject's MAPPA management level.</summary>
[DomainEventType("mappa.caseconference.mappa-level.decided", 1)]
public sealed record MappaLevelDecided : DomainEvent
{
    public required string ConferenceId { get; init; }
    public required MappaLevel Level { get; init; }
    public MappaLevel? PreviousLevel { get; init; }
    public MappaCategory? Category { get; init; }
}

/// <summary>A due date was set on an action agreed at a meeting.</summary>
[DomainEventType("mappa.caseconference.action.due-date-set", 1)]
public sealed record ActionDueDateSet : DomainEvent
{
    public required string ConferenceId { get; init; }
    public required string ActionId { get; init; }
    public required DateOnly DueDate { get; init; }
}
