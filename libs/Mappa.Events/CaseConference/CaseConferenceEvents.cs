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
    /// <summary>The next review date the meeting set (the policy date for the level, or its override); null when none.</summary>
    public DateOnly? NextReviewDate { get; init; }
}

/// <summary>A due date was set on an action agreed at a meeting.</summary>
[DomainEventType("mappa.caseconference.action.due-date-set", 1)]
public sealed record ActionDueDateSet : DomainEvent
{
    public required string ConferenceId { get; init; }
    public required string ActionId { get; init; }
    public required DateOnly DueDate { get; init; }
}

/// <summary>A conference was proposed (by a coordinator, or by a review falling due); its time may not be settled yet.</summary>
[DomainEventType("mappa.caseconference.conference.proposed", 1)]
public sealed record ConferenceProposed : DomainEvent
{
    public required string ConferenceId { get; init; }
    public required string Area { get; init; }
    public DateOnly? TargetDate { get; init; }
    /// <summary>The review obligation whose "review due" notice proposed it, if any.</summary>
    public string? SourceObligationId { get; init; }
}

/// <summary>A scheduled MAPPA meeting moved to a new time or place; the reason stays behind the RPC.</summary>
[DomainEventType("mappa.caseconference.conference.rescheduled", 1)]
public sealed record ConferenceRescheduled : DomainEvent
{
    public required string ConferenceId { get; init; }
    public required DateTimeOffset ScheduledFor { get; init; }
    public DateTimeOffset? PreviouslyScheduledFor { get; init; }
    public required string Area { get; init; }
}

/// <summary>A proposed or scheduled MAPPA meeting was cancelled; the reason stays behind the RPC.</summary>
[DomainEventType("mappa.caseconference.conference.cancelled", 1)]
public sealed record ConferenceCancelled : DomainEvent
{
    public required string ConferenceId { get; init; }
    public required string Area { get; init; }
}

/// <summary>One agency's attendance at a held meeting was recorded. Codes only: who attended stays behind the RPC.</summary>
[DomainEventType("mappa.caseconference.attendance.recorded", 1)]
public sealed record AttendanceRecorded : DomainEvent
{
    public required string ConferenceId { get; init; }
    /// <summary>The contract's AgencyKind name, e.g. "AGENCY_KIND_HOUSING".</summary>
    public required string Agency { get; init; }
    /// <summary>The contract's AttendanceStatus name, e.g. "ATTENDANCE_STATUS_APOLOGIES".</summary>
    public required string Status { get; init; }
}

/// <summary>
/// An action agreed at a meeting was done. One event per subject it concerns; the due date it had travels along so a
/// subscriber that missed the due-date event can still place it. What was done stays behind the RPC.
/// </summary>
[DomainEventType("mappa.caseconference.action.completed", 1)]
public sealed record PlanActionCompleted : DomainEvent
{
    public required string ConferenceId { get; init; }
    public required string ActionId { get; init; }
    public required DateOnly DueDate { get; init; }
}

/// <summary>An action agreed at a meeting is no longer required; the reason stays behind the RPC.</summary>
[DomainEventType("mappa.caseconference.action.cancelled", 1)]
public sealed record PlanActionCancelled : DomainEvent
{
    public required string ConferenceId { get; init; }
    public required string ActionId { get; init; }
    public required DateOnly DueDate { get; init; }
}
