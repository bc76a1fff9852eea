namespace Mappa.CaseConference.Features.Conferences;

/// <summary>
/// One arrangement of a scheduled conference. The first is made by scheduling; each reschedule appends one, so the
/// history shows every time and place the meeting was set for.
/// </summary>
public sealed record ScheduleEntry(
    DateTimeOffset StartTime,
    TimeSpan Duration,
    Venue Venue,
    string ChairId,
    DateTimeOffset ChangedAt,
    string? Reason)
{
    public DateTimeOffset EndTime => StartTime + Duration;

    // The reason is free text: keep it out of anything that might be logged.
    public override string ToString() => $"ScheduleEntry {StartTime:O} for {Duration}";
}

/// <summary>Why and when a conference was cancelled.</summary>
public sealed record Cancellation(string Reason, DateTimeOffset CancelledAt)
{
    public override string ToString() => $"Cancellation at {CancelledAt:O}";
}

/// <summary>The minutes that close the record of a held conference.</summary>
public sealed record Minutes(string? Summary, DateTimeOffset MinutedAt)
{
    public override string ToString() => $"Minutes at {MinutedAt:O}";
}
