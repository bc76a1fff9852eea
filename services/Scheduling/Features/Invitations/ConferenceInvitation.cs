namespace Mappa.Scheduling.Features.Invitations;

public enum ConferencePurpose
{
    Initial,
    Review,
}

/// <summary>An invited agency's shared mailbox (not a named officer's), and whether its attendance is required.</summary>
public sealed record AgencyMailbox(string AgencyName, string Email, bool Required);

/// <summary>The coordinator who sends the invitation and receives replies.</summary>
public sealed record OrganizerMailbox(string DisplayName, string Email);

/// <summary>
/// A booked conference as it goes out in a calendar invitation. There is deliberately no free-text title or
/// description: the summary is built from the level and purpose, so a name or offence cannot reach a mail server.
/// </summary>
public sealed record ConferenceInvitation
{
    /// <summary>The conference's id in the CaseConference service; the calendar UID is built from it.</summary>
    public required string ConferenceId { get; init; }

    public required DateTimeOffset Start { get; init; }
    public required DateTimeOffset End { get; init; }

    /// <summary>MAPPA level of the case being discussed (1 to 3).</summary>
    public required int MappaLevel { get; init; }

    public ConferencePurpose Purpose { get; init; } = ConferencePurpose.Review;

    /// <summary>Venue, e.g. "Police Scotland, Helen Street, Meeting room 2".</summary>
    public string? Location { get; init; }

    /// <summary>Link for joining online.</summary>
    public Uri? OnlineMeetingLink { get; init; }

    public OrganizerMailbox? Organizer { get; init; }
    public IReadOnlyList<AgencyMailbox> Attendees { get; init; } = [];

    /// <summary>Bump on every change to the booking, so calendars replace the earlier copy (RFC 5545 §3.8.7.4).</summary>
    public int Sequence { get; init; }

    public bool Cancelled { get; init; }

    /// <summary>"MAPPA level 2 review conference": the only title an invitation ever carries.</summary>
    public string Summary => $"MAPPA level {MappaLevel} {(Purpose == ConferencePurpose.Initial ? "initial" : "review")} conference";
}
