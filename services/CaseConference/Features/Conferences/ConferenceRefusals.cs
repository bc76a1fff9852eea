namespace Mappa.CaseConference.Features.Conferences;

/// <summary>
/// Stable reasons (ErrorInfo.reason with FAILED_PRECONDITION) for operations the conference's state refuses.
/// Clients branch on these, so they never change once published.
/// </summary>
public static class ConferenceRefusals
{
    /// <summary>Scheduling needs a proposed conference.</summary>
    public const string NotProposed = "CONFERENCE_NOT_PROPOSED";

    /// <summary>Rescheduling or recording the meeting as held needs a scheduled conference.</summary>
    public const string NotScheduled = "CONFERENCE_NOT_SCHEDULED";

    /// <summary>Only proposed or scheduled conferences can be cancelled.</summary>
    public const string NotCancellable = "CONFERENCE_NOT_CANCELLABLE";

    /// <summary>A conference cannot be recorded as held before its start time.</summary>
    public const string NotStarted = "CONFERENCE_NOT_STARTED";

    /// <summary>Attendance, decisions, actions and minutes need a held conference.</summary>
    public const string NotHeld = "CONFERENCE_NOT_HELD";

    /// <summary>Minutes close the record of the meeting: attendance, decisions and new actions can no longer change.</summary>
    public const string AlreadyMinuted = "CONFERENCE_ALREADY_MINUTED";

    /// <summary>Invitations and responses are taken while the conference is proposed or scheduled.</summary>
    public const string InvitationsClosed = "CONFERENCE_INVITATIONS_CLOSED";

    /// <summary>Minutes need the attendance of every invited agency.</summary>
    public const string AttendanceIncomplete = "ATTENDANCE_INCOMPLETE";

    /// <summary>Minutes need a decision for every subject.</summary>
    public const string DecisionsIncomplete = "DECISIONS_INCOMPLETE";

    /// <summary>Only an open plan action can be marked done or cancelled.</summary>
    public const string ActionNotOpen = "ACTION_NOT_OPEN";
}
